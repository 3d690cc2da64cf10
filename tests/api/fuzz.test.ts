import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import {
  badAuthorization,
  badBodies,
  badIds,
  INVALID_UNICODE,
  type JsonSchema,
  malformedJson,
  malformedUrlParts,
} from '../helpers/bad-inputs.ts';
import { createWorkspace } from '../helpers/factories.ts';
import { errorOf } from '../helpers/inject.ts';

type Operation = {
  parameters?: { in: 'path' | 'query' | 'header'; name: string; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  security?: unknown[];
};
type OpenApi = { paths: Record<string, Record<string, Operation>> };

/** Routes with nothing a client can get wrong: no body, no params, no sign-in. */
const NOTHING_TO_REFUSE = new Set(['GET /api/health', 'DELETE /api/session']);
const PER_ROUTE = 300;

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;
let doc: OpenApi;

beforeAll(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
  doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json() as OpenApi;
});
afterAll(() => ctx.close());

const VALID_ID = '00000000-0000-4000-8000-000000000000';
const fillPath = (path: string, id: (name: string) => string) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(id(name)));

function generate(method: string, path: string, op: Operation): InjectOptions[] {
  const upper = method.toUpperCase();
  const auth = ws.admin.headers; // the widest role, so inputs reach validation rather than stopping at 403
  const params = (op.parameters ?? []).filter((p) => p.in === 'path');
  const queries = (op.parameters ?? []).filter((p) => p.in === 'query');
  const body = op.requestBody?.content['application/json']?.schema;
  const url = fillPath(path, () => VALID_ID);
  const isPublic = Array.isArray(op.security) && op.security.length === 0;
  const cases: fc.Arbitrary<InjectOptions>[] = [];

  if (!isPublic) {
    cases.push(
      badAuthorization.map((authorization) => ({ method: upper, url, headers: { authorization } }) as InjectOptions),
    );
  }
  if (params.length > 0) {
    cases.push(
      badIds.map(
        (bad) =>
          ({
            method: upper,
            url: fillPath(path, () => bad),
            headers: auth,
            ...(body && { payload: {} }),
          }) as InjectOptions,
      ),
      malformedUrlParts.map(
        (bad) =>
          ({
            method: upper,
            url: path.replace(/\{(\w+)\}/g, () => bad),
            headers: auth,
            ...(body && { payload: {} }),
          }) as InjectOptions,
      ),
    );
  }
  if (queries.length > 0) {
    const strict = queries.map((q) => q.name);
    cases.push(
      fc
        .tuple(fc.constantFrom(...strict), fc.constantFrom('-1', 'abc', '1e999', 'x'.repeat(600), '%00', '[]', '{}'))
        .filter(([name, value]) => {
          const q = queries.find((x) => x.name === name);
          const t = q?.schema.type;
          // a free-text query takes any short text: only its length can be wrong
          if (t === 'string' && !q?.schema.enum && !q?.schema.format && !q?.schema.pattern)
            return value.length > (q?.schema.maxLength ?? 1000);
          return true;
        })
        .map(
          ([name, value]) =>
            ({ method: upper, url: `${url}?${name}=${encodeURIComponent(value)}`, headers: auth }) as InjectOptions,
        ),
      fc
        .string({ minLength: 1, maxLength: 10 })
        .map((k) => ({ method: upper, url: `${url}?zz_${encodeURIComponent(k)}=1`, headers: auth }) as InjectOptions),
      fc
        .tuple(fc.constantFrom(...strict), malformedUrlParts)
        .map(([name, bad]) => ({ method: upper, url: `${url}?${name}=${bad}`, headers: auth }) as InjectOptions),
    );
  }
  if (body) {
    cases.push(
      badBodies(body).map(
        (payload) =>
          ({
            method: upper,
            url,
            headers: { ...auth, 'content-type': 'application/json' },
            payload: JSON.stringify(payload),
          }) as InjectOptions,
      ),
    );
  }
  if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(upper)) {
    cases.push(
      malformedJson.map(
        (raw) =>
          ({
            method: upper,
            url,
            headers: { ...auth, 'content-type': 'application/json' },
            payload: raw,
          }) as InjectOptions,
      ),
    );
    cases.push(
      fc
        .constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/xml',
          'multipart/form-data; boundary=z',
        )
        .map(
          (type) =>
            ({ method: upper, url, headers: { ...auth, 'content-type': type }, payload: 'a=1' }) as InjectOptions,
        ),
    );
  }
  if (cases.length === 0) return [];
  return fc.sample(fc.oneof(...cases), { numRuns: PER_ROUTE, seed: 20261123 });
}

describe('every route, fed inputs generated from its schemas', () => {
  it('answers each bad input with a 4xx in the API error shape, never a 5xx', async () => {
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method, op })),
    );
    expect(routes.length).toBeGreaterThan(10);
    const covered: string[] = [];
    for (const { path, method, op } of routes) {
      const name = `${method.toUpperCase()} ${path}`;
      if (NOTHING_TO_REFUSE.has(name)) continue;
      const inputs = generate(method, path, op);
      expect(inputs.length, name).toBeGreaterThanOrEqual(PER_ROUTE);
      for (const input of inputs) {
        const res = await ctx.app.inject(input);
        const where = `${name} ← ${JSON.stringify({ url: input.url, payload: input.payload, headers: input.headers }).slice(0, 300)}`;
        expect(res.statusCode, where).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, where).toBeLessThan(500);
        const err = errorOf(res);
        expect(typeof err.code, where).toBe('string');
        expect(typeof err.message, where).toBe('string');
      }
      covered.push(name);
    }
    expect(covered).toEqual(
      expect.arrayContaining([
        'POST /api/bombs',
        'GET /api/bombs',
        'GET /api/bombs/{id}',
        'POST /api/people',
        'PATCH /api/people/{id}',
      ]),
    );
  }, 300_000);

  it('refuses invalid Unicode in every string a body carries, naming the field (docs/security.md check 23)', async () => {
    const refused: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const body = op.requestBody?.content['application/json']?.schema;
        for (const [key, prop] of Object.entries(body?.properties ?? {})) {
          const types = (s: JsonSchema) => [s.type, ...(s.anyOf ?? []).map((x) => x.type)].flat();
          const asArray = prop.items !== undefined && types(prop.items).includes('string');
          if (!types(prop).includes('string') && !asArray) continue;
          for (const bad of INVALID_UNICODE) {
            const name = `${method.toUpperCase()} ${path} ${key}=${JSON.stringify(bad)}`;
            const res = await ctx.app.inject({
              method: method.toUpperCase() as InjectOptions['method'],
              url: fillPath(path, () => VALID_ID),
              headers: { ...ws.admin.headers, 'content-type': 'application/json' },
              payload: JSON.stringify({ [key]: asArray ? [bad] : bad }),
            });
            expect(res.statusCode, `${name} → ${res.body.slice(0, 300)}`).toBe(400);
            const err = errorOf(res);
            expect(err.code, name).toBe('validation_failed');
            const paths = (err.fields ?? []).map((f) => f.path);
            expect(paths, `${name} → ${res.body.slice(0, 300)}`).toContain(asArray ? `${key}.0` : key);
          }
          refused.push(`${method.toUpperCase()} ${path} ${key}`);
        }
      }
    }
    expect(refused).toEqual(expect.arrayContaining(['POST /api/bombs title', 'POST /api/bombs description']));
  }, 120_000);

  it('rejects unknown body fields on every route that takes a body (no mass assignment)', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const body = op.requestBody?.content['application/json']?.schema;
        if (body) expect(body.additionalProperties, `${method} ${path}`).toBe(false);
      }
    }
  });

  it('bounds every string and array a request may carry, caps every list limit, and times requests out (check 11)', () => {
    const unbounded: string[] = [];
    const checked: string[] = [];
    const walk = (schema: JsonSchema, where: string) => {
      const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
      const boundedFormat = schema.format === 'uuid' || schema.format === 'date-time';
      if (types.includes('string') && schema.maxLength === undefined && !schema.enum && !boundedFormat) {
        unbounded.push(`${where}: string without maxLength`);
      }
      if (types.includes('array') && schema.maxItems === undefined) unbounded.push(`${where}: array without maxItems`);
      if (types.includes('string') || types.includes('array')) checked.push(where);
      for (const [name, child] of Object.entries(schema.properties ?? {})) walk(child, `${where}.${name}`);
      if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${where}.*`);
      if (schema.items) walk(schema.items, `${where}[]`);
      for (const [i, child] of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].entries())
        walk(child, `${where}|${i}`);
    };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const name = `${method.toUpperCase()} ${path}`;
        const body = op.requestBody?.content['application/json']?.schema;
        if (body) walk(body, `${name} body`);
        for (const p of op.parameters ?? []) {
          if (p.in === 'header') continue;
          walk(p.schema, `${name} ${p.in} ${p.name}`);
          if (p.name === 'limit') expect(p.schema.maximum, `${name} limit`).toBeLessThanOrEqual(5000);
        }
      }
    }
    expect(unbounded).toEqual([]);
    // The walk reached the schemas (98 strings and arrays when written).
    expect(checked.length).toBeGreaterThan(50);
    expect(ctx.app.server.requestTimeout).toBeGreaterThan(0);
    expect(ctx.app.server.requestTimeout).toBeLessThanOrEqual(60_000);
    expect(ctx.app.initialConfig.connectionTimeout).toBeGreaterThan(0);
    expect(ctx.app.initialConfig.bodyLimit).toBeLessThanOrEqual(1024 * 1024);
  });
});
