import { PassThrough } from 'node:stream';
import { buildApp } from '@defuse/server/app';
import { LocalSignal } from '@defuse/server/live/local-signal';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../helpers/app.ts';
import { manualClock } from '../helpers/clock.ts';
import { freshDatabase } from '../helpers/db.ts';
import { createWorkspace, TEST_PASSWORD } from '../helpers/factories.ts';

let app: FastifyInstance;
let lines = '';
let close: () => Promise<void> = async () => {};
let ws: Awaited<ReturnType<typeof createWorkspace>>;

beforeAll(async () => {
  const database = await freshDatabase();
  const deps = { db: database.db, dbKind: database.kind, clock: manualClock(), signal: new LocalSignal() };
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => {
    lines += c.toString();
  });
  app = await buildApp(deps, { config: { ...testConfig, logLevel: 'trace' }, logger: { stream } });
  await app.ready();
  ws = await createWorkspace({ deps });
  close = async () => {
    await app.close();
    await database.drop();
  };
});
afterAll(() => close());

describe('logs', () => {
  it('are JSON lines that never contain passwords, tokens, cookies or idempotency keys', async () => {
    const signIn = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: ws.field.email, password: TEST_PASSWORD },
    });
    const cookie = String(signIn.headers['set-cookie']).split(';')[0] ?? '';
    const sessionToken = cookie.split('=')[1] ?? '';
    await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: ws.field.email, password: 'wrong-password-1' },
    });
    const token = (
      await app.inject({ method: 'POST', url: '/api/tokens', headers: ws.field.headers, payload: { name: 'x' } })
    ).json() as { token: string };
    await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token.token}` } });
    await app.inject({
      method: 'POST',
      url: '/api/bombs',
      headers: { ...ws.field.headers, 'idempotency-key': 'secret-idem-key-123' },
      payload: { title: 't', category: 'other', severity: 'low' },
    });
    await app.inject({ method: 'GET', url: '/api/people', headers: { authorization: 'Bearer dfs_not-a-real-token' } });

    const records = lines
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.length).toBeGreaterThan(10);
    for (const secret of [
      TEST_PASSWORD,
      'wrong-password-1',
      sessionToken,
      ws.field.token,
      token.token,
      'secret-idem-key-123',
      'dfs_not-a-real-token',
    ]) {
      expect(lines).not.toContain(secret);
    }
    // failures are logged, so they can be audited
    expect(records.some((r) => r.event === 'auth.unauthenticated')).toBe(true);
    expect(records.some((r) => r.event === 'auth.signed_in')).toBe(true);
  });
});

describe('behind a proxy', () => {
  it('ignores X-Forwarded-For unless a proxy is configured, so the per-address sign-in limit cannot be dodged', async () => {
    const attempt = (i: number) =>
      app.inject({
        method: 'POST',
        url: '/api/session',
        remoteAddress: '198.51.100.7',
        headers: { 'x-forwarded-for': `203.0.113.${i}` },
        payload: { email: `nobody-${i}@example.test`, password: 'wrong-password' },
      });
    for (let i = 0; i < 50; i++) expect((await attempt(i)).statusCode).toBe(401);
    expect((await attempt(99)).statusCode).toBe(429);
  });
});
