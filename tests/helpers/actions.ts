import { sessions } from '@defuse/drizzle';
import {
  type ApiError,
  ApiErrorSchema,
  type Bomb,
  BombDetailResponseSchema,
  BombResponseSchema,
  CommentResponseSchema,
  type DefuseEvent,
  type EventData,
  type EventType,
} from '@defuse/shared';
import type { TestContext } from './app.ts';
import type { Actor } from './factories.ts';
import { bodyOf } from './inject.ts';

/** POST (or DELETE) a bomb action through HTTP as `actor`; returns status and parsed body. */
export async function act(
  ctx: Pick<TestContext, 'app'>,
  actor: Actor,
  bombId: string,
  action: string,
  payload?: unknown,
  options: { method?: 'POST' | 'DELETE'; ifMatch?: string } = {},
): Promise<{
  status: number;
  body: { bomb?: Bomb; event?: DefuseEvent; error?: ApiError['error'] };
}> {
  const res = await ctx.app.inject({
    method: options.method ?? 'POST',
    url: `/api/bombs/${bombId}/${action}`,
    headers: { ...actor.headers, ...(options.ifMatch !== undefined && { 'if-match': options.ifMatch }) },
    ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
  });
  // Parsed with the schema of what the route answers: a refusal, a comment's event, or the bomb.
  const body =
    res.statusCode >= 300
      ? bodyOf(res, ApiErrorSchema)
      : action === 'comments'
        ? bodyOf(res, CommentResponseSchema)
        : bodyOf(res, BombResponseSchema);
  return { status: res.statusCode, body };
}

/** Same as `act` but fails the test unless the action answered 2xx; returns the bomb. */
export async function must(
  ctx: Pick<TestContext, 'app'>,
  actor: Actor,
  bombId: string,
  action: string,
  payload?: unknown,
  options: { method?: 'POST' | 'DELETE' } = {},
): Promise<Bomb> {
  const res = await act(ctx, actor, bombId, action, payload, options);
  if (res.status >= 300 || !res.body.bomb)
    throw new Error(`${action} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.bomb;
}

export async function timeline(ctx: Pick<TestContext, 'app'>, actor: Actor, bombId: string): Promise<DefuseEvent[]> {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/bombs/${bombId}`, headers: actor.headers });
  return bodyOf(res, BombDetailResponseSchema).events;
}

export async function getBomb(ctx: Pick<TestContext, 'app'>, actor: Actor, bombId: string): Promise<Bomb> {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/bombs/${bombId}`, headers: actor.headers });
  return bodyOf(res, BombDetailResponseSchema).bomb;
}

/**
 * Moves the manual clock and keeps every test session alive: sessions idle out after 12 hours,
 * and escalation tests jump days ahead.
 */
export async function advance(ctx: Pick<TestContext, 'clock' | 'deps'>, seconds: number): Promise<void> {
  ctx.clock.advance(seconds);
  const now = ctx.clock.now();
  await ctx.deps.db.update(sessions).set({ lastSeenAt: now, expiresAt: new Date(now.getTime() + 30 * 86_400_000) });
}

/** The data of `event`, which must be of `type`: narrows an event read back from the API. */
export function dataOf<T extends EventType>(event: DefuseEvent | undefined, type: T): EventData<T> {
  if (event?.type !== type) throw new Error(`expected a ${type} event, got ${event?.type}`);
  return event.data as EventData<T>;
}
