import { connect } from 'node:net';
import { ApiErrorSchema } from '@defuse/shared';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, listenOnPort0, type TestContext } from '../helpers/app.ts';
import { usingPostgres } from '../helpers/db.ts';
import { createWorkspace } from '../helpers/factories.ts';
import { bodyOf } from '../helpers/inject.ts';

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;

beforeAll(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
});
afterAll(() => ctx.close());

function expectApiError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  const body = bodyOf(res, ApiErrorSchema);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  return body;
}

describe('the error shape', () => {
  it('answers unknown routes with 404 not_found, signed in or not', async () => {
    expectApiError(await ctx.app.inject({ method: 'GET', url: '/api/nothing-here' }), 404, 'not_found');
    expectApiError(
      await ctx.app.inject({ method: 'GET', url: '/api/nothing-here', headers: ws.field.headers }),
      404,
      'not_found',
    );
    expectApiError(await ctx.app.inject({ method: 'DELETE', url: '/api/bombs' }), 404, 'not_found');
  });

  it('answers malformed JSON with 400', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/bombs',
      headers: { ...ws.field.headers, 'content-type': 'application/json' },
      payload: '{"title": "unterminated',
    });
    expectApiError(res, 400, 'validation_failed');
  });

  it('answers bodies over 1 MiB with 413', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/people',
      headers: { ...ws.admin.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expectApiError(res, 413, 'payload_too_large');
  });

  it('answers a filing over its own 64 KiB limit with 413', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/bombs',
      headers: ws.field.headers,
      payload: { title: 't', category: 'other', severity: 'low', description: 'x'.repeat(70 * 1024) },
    });
    expectApiError(res, 413, 'payload_too_large');
  });

  it('answers a request with more than 100 headers with 431, before it is authenticated', async () => {
    const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-extra-${i}`, 'v']));
    const res = await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { ...ws.field.headers, ...many(100) } });
    expectApiError(res, 431, 'payload_too_large');
    const fewer = await ctx.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { ...ws.field.headers, ...many(60) },
    });
    expect(fewer.statusCode).toBe(200);
  });

  it('answers prototype poisoning with 400', async () => {
    for (const payload of [
      '{"__proto__": {"admin": true}, "title": "x"}',
      '{"constructor": {"prototype": {"x": 1}}}',
    ]) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/bombs',
        headers: { ...ws.field.headers, 'content-type': 'application/json' },
        payload,
      });
      expectApiError(res, 400, 'validation_failed');
    }
  });

  it('answers a malformed id in the path with a field error', async () => {
    const body = expectApiError(
      await ctx.app.inject({ method: 'GET', url: '/api/bombs/not-a-uuid', headers: ws.field.headers }),
      400,
      'validation_failed',
    );
    expect(body.error.fields?.[0]?.path).toBe('params.id');
  });

  it('answers a missing bomb with 404', async () => {
    expectApiError(
      await ctx.app.inject({
        method: 'GET',
        url: '/api/bombs/00000000-0000-4000-8000-000000000000',
        headers: ws.field.headers,
      }),
      404,
      'not_found',
    );
  });

  it('never answers 5xx to a batch of malformed requests', async () => {
    const bodies: unknown[] = [
      null,
      [],
      42,
      'str',
      { title: 1 },
      { title: 'x'.repeat(5000) },
      { category: ['shipping'] },
      { severity: { $gt: '' } },
      { title: 'a', category: 'other', severity: 'low', restricted: 'yes' },
      { title: '\u0000', category: 'other', severity: 'low', customer: 7 },
    ];
    for (const body of bodies) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/bombs',
        headers: { ...ws.field.headers, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      expect(res.statusCode, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, JSON.stringify(body)).toBeLessThan(500);
    }
    for (const url of [
      '/api/bombs?limit=-1',
      '/api/bombs?limit=abc',
      '/api/bombs?q=%00',
      '/api/bombs?cursor=%FF%FE',
      '/api/events?after=-5',
      '/api/events?after=1e400',
      '/api/bombs?status=',
      '/api/bombs?unknown=1',
    ]) {
      const res = await ctx.app.inject({ method: 'GET', url, headers: ws.field.headers });
      expect(res.statusCode, url).toBeLessThan(500);
    }
  });
});

describe('health and docs', () => {
  it('reports the database in use', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.json()).toEqual({ ok: true, database: usingPostgres() ? 'postgres' : 'pglite' });
  });

  it('serves an OpenAPI document generated from the schemas', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }>;
            };
          }
        >
      >;
    };
    expect(doc.openapi).toMatch(/^3\./);
    const filing = doc.paths['/api/bombs']?.post?.requestBody?.content['application/json']?.schema;
    expect(Object.keys(filing?.properties ?? {})).toEqual(
      expect.arrayContaining(['title', 'category', 'severity', 'restricted']),
    );
    expect(filing?.required).toEqual(expect.arrayContaining(['title', 'category', 'severity']));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/session', '/api/bombs/{id}', '/api/people', '/api/events']),
    );
    expect((await ctx.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });
});

describe('NUL characters', () => {
  it('are a field error in bodies and queries, never a database error', async () => {
    const body = await ctx.app.inject({
      method: 'POST',
      url: '/api/bombs',
      headers: ws.field.headers,
      payload: { title: 'a\u0000b', category: 'other', severity: 'low' },
    });
    expect(expectApiError(body, 400, 'validation_failed').error.fields).toEqual([
      { path: 'title', message: 'Must not contain NUL characters' },
    ]);
    const query = await ctx.app.inject({ method: 'GET', url: '/api/bombs?q=%00', headers: ws.field.headers });
    expect(expectApiError(query, 400, 'validation_failed').error.fields?.[0]?.path).toBe('query.q');
  });
});

/** Sends bytes on a fresh TCP connection and reads until the server closes it (or 5 s pass). */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

describe('errors from every layer, over a real socket', () => {
  let port: number;
  beforeAll(async () => {
    port = Number(new URL((await listenOnPort0(ctx.app)).http).port);
  });

  /** The status line, and the body in the API shape that echoes nothing of the URL. */
  const expectShaped = (response: string, status: number, code: string, marker: string) => {
    expect(Number(response.split(' ')[1]), response.slice(0, 300)).toBe(status);
    const [head = '', body = ''] = response.split('\r\n\r\n');
    expect(head.toLowerCase()).toContain('content-type: application/json');
    const parsed = ApiErrorSchema.parse(JSON.parse(body));
    expect(parsed.error.code).toBe(code);
    expect(body).not.toContain(marker);
    expect(body).not.toContain('statusCode');
  };
  const get = (target: string, extra = '') =>
    `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${ws.field.headers.cookie}\r\n${extra}Connection: close\r\n\r\n`;

  it('a path that does not percent-decode is a 400 (router)', async () => {
    expectShaped(await rawExchange(port, get('/api/bombs/%zz-marker')), 400, 'validation_failed', 'marker');
    expectShaped(await rawExchange(port, get('/api/bombs/%ED%A0%80marker')), 400, 'validation_failed', 'marker');
  });

  it('a path parameter over the router limit is a 414', async () => {
    expectShaped(
      await rawExchange(port, get(`/api/bombs/marker${'x'.repeat(300)}`)),
      414,
      'payload_too_large',
      'marker',
    );
  });

  it('a URL or headers over 16 KiB, or a request that is not HTTP, is refused by the parser in the shape', async () => {
    expectShaped(
      await rawExchange(port, get(`/api/bombs?q=marker${'x'.repeat(20_000)}`)),
      431,
      'payload_too_large',
      'marker',
    );
    const headers = Array.from({ length: 3000 }, (_, i) => `x-h${i}: v\r\n`).join('');
    expectShaped(await rawExchange(port, get('/api/me', headers)), 431, 'payload_too_large', 'x-h1');
    expectShaped(await rawExchange(port, 'MARKER\r\n\r\n'), 400, 'validation_failed', 'MARKER');
  });

  it('more headers than the count limit is a 431 (hook)', async () => {
    const headers = Array.from({ length: 150 }, (_, i) => `x-h${i}: v\r\n`).join('');
    expectShaped(await rawExchange(port, get('/api/me', headers)), 431, 'payload_too_large', 'x-h1');
  });

  it('unknown routes, bad media types and large bodies do not echo what was sent', async () => {
    expectShaped(await rawExchange(port, get('/api/marker-route')), 404, 'not_found', 'marker');
    const post = (type: string, body: string) =>
      `POST /api/bombs HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${ws.field.headers.cookie}\r\nOrigin: ${ws.field.headers.origin}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
    expectShaped(await rawExchange(port, post('application/marker', '{}')), 415, 'unsupported_media_type', 'marker');
    expectShaped(await rawExchange(port, post('application/json', '{"marker":')), 400, 'validation_failed', 'marker');
    expectShaped(
      await rawExchange(port, post('application/json', JSON.stringify({ title: `marker${'x'.repeat(70 * 1024)}` }))),
      413,
      'payload_too_large',
      'marker',
    );
  });
});

describe('invalid Unicode (docs/security.md check 23)', () => {
  it('a lone or reversed surrogate in a field is a 400 naming it, never a database error', async () => {
    for (const bad of ['\ud800', 'x\udfff', '\udc00\ud800']) {
      for (const [field, payload] of [
        ['title', { title: bad, category: 'other', severity: 'low' }],
        ['description', { title: 't', description: bad, category: 'other', severity: 'low' }],
        ['customer', { title: 't', customer: bad, category: 'other', severity: 'low' }],
      ] as const) {
        const res = await ctx.app.inject({ method: 'POST', url: '/api/bombs', headers: ws.field.headers, payload });
        expect(expectApiError(res, 400, 'validation_failed').error.fields).toEqual([
          { path: field, message: 'Must be valid Unicode (no lone surrogates)' },
        ]);
      }
      const person = await ctx.app.inject({
        method: 'POST',
        url: '/api/people',
        headers: ws.admin.headers,
        payload: { name: bad, email: 'u@example.test', role: 'field', password: 'password123' },
      });
      expect(expectApiError(person, 400, 'validation_failed').error.fields?.map((f) => f.path)).toEqual(['name']);
    }
  });

  it('a query whose escapes do not decode (the UTF-8 of a lone surrogate, %zz) is a 400 naming the parameter', async () => {
    for (const q of ['%ED%A0%80', '%zz', 'a%E0%A4%A']) {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/bombs?limit=5&q=${q}`, headers: ws.field.headers });
      expect(expectApiError(res, 400, 'validation_failed').error.fields?.[0]?.path).toBe('q');
    }
    const badName = await ctx.app.inject({ method: 'GET', url: '/api/bombs?%zz=1', headers: ws.field.headers });
    expect(expectApiError(badName, 400, 'validation_failed').error.fields?.[0]?.path).toBe('query');
    const fine = await ctx.app.inject({
      method: 'GET',
      url: '/api/bombs?q=%E7%B4%8D%E5%93%81',
      headers: ws.field.headers,
    });
    expect(fine.statusCode).toBe(200);
  });
});
