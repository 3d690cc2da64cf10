import { ApiErrorSchema } from '@defuse/shared';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

/** What the helpers need of a zod schema (the tests do not depend on zod itself). */
export interface Schema<T> {
  safeParse(
    data: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

/**
 * The body of `res` parsed with `schema` — the route's response schema from `@defuse/shared`, or
 * `ApiErrorSchema` for a refusal. Typed without a cast, and a body that does not match (a field
 * gone, renamed or of another type) fails the test here, naming the request and what differs,
 * rather than as an `undefined` three assertions later.
 */
export function bodyOf<T>(res: LightMyRequestResponse, schema: Schema<T>): T {
  let json: unknown;
  try {
    json = res.json();
  } catch {
    throw new Error(`${describe(res)}: the body is not JSON: ${res.body.slice(0, 200)}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`)
      .join('; ');
    throw new Error(`${describe(res)}: the body does not match its schema (${issues}): ${res.body.slice(0, 500)}`);
  }
  return parsed.data;
}

/** The `error` of a refusal, in the API's error shape. */
export const errorOf = (res: LightMyRequestResponse) => bodyOf(res, ApiErrorSchema).error;

/**
 * A request through the app; when it answers `status`, its body parsed with `schema`. Any other
 * status fails the test with the body, so a test never reads fields of an error as if it were data.
 */
export async function inject<T>(
  app: FastifyInstance,
  options: InjectOptions,
  expected: { status: number; schema: Schema<T> },
): Promise<T> {
  const res = await app.inject(options);
  if (res.statusCode !== expected.status) {
    throw new Error(`${describe(res)}: expected ${expected.status}: ${res.body.slice(0, 500)}`);
  }
  return bodyOf(res, expected.schema);
}

function describe(res: LightMyRequestResponse): string {
  const req = (res as { raw: { req: { method?: string; url?: string } } }).raw.req;
  return `${req.method ?? '?'} ${req.url ?? '?'} answered ${res.statusCode}`;
}
