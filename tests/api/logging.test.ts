import { PassThrough } from 'node:stream';
import { buildApp } from '@defuse/server/app';
import type { Deps } from '@defuse/server/deps';
import { LocalSignal } from '@defuse/server/live/local-signal';
import { BombResponseSchema, TokenCreatedSchema } from '@defuse/shared';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../helpers/app.ts';
import { manualClock } from '../helpers/clock.ts';
import { freshDatabase } from '../helpers/db.ts';
import { createWorkspace, TEST_PASSWORD } from '../helpers/factories.ts';
import { bodyOf } from '../helpers/inject.ts';

let app: FastifyInstance;
let lines = '';
let close: () => Promise<void> = async () => {};
let ws: Awaited<ReturnType<typeof createWorkspace>>;
let deps: Deps;

beforeAll(async () => {
  const database = await freshDatabase();
  deps = { db: database.db, dbKind: database.kind, clock: manualClock(), signal: new LocalSignal() };
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
    const token = bodyOf(
      await app.inject({ method: 'POST', url: '/api/tokens', headers: ws.field.headers, payload: { name: 'x' } }),
      TokenCreatedSchema,
    );
    await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token.token}` } });
    await app.inject({
      method: 'POST',
      url: '/api/bombs',
      headers: { ...ws.field.headers, 'idempotency-key': 'secret-idem-key-123' },
      payload: { title: 't', category: 'other', severity: 'low' },
    });
    await app.inject({ method: 'GET', url: '/api/people', headers: { authorization: 'Bearer dfs_not-a-real-token' } });
    // Refused by role, and refused by the object (a claim outside one's department).
    await app.inject({ method: 'GET', url: '/api/webhooks/deliveries', headers: ws.field.headers });
    const filed = await app.inject({
      method: 'POST',
      url: '/api/bombs',
      headers: ws.field.headers,
      payload: { title: 'late shipment', category: 'shipping', severity: 'low' },
    });
    const { bomb } = bodyOf(filed, BombResponseSchema);
    const claim = await app.inject({
      method: 'POST',
      url: `/api/bombs/${bomb.id}/claim`,
      headers: ws.docsMember.headers,
    });
    expect(claim.statusCode).toBe(403);

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
    expect(records.find((r) => r.event === 'auth.sign_in_failed')).toMatchObject({ reason: 'invalid_credentials' });
    const forbidden = records.filter((r) => r.event === 'auth.forbidden');
    expect(forbidden).toEqual([
      expect.objectContaining({ personId: ws.field.id, url: '/api/webhooks/deliveries' }),
      expect.objectContaining({ personId: ws.docsMember.id, url: `/api/bombs/${bomb.id}/claim` }),
    ]);
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

  it('takes the client address from X-Forwarded-For only when the configured proxy sends it (check 15)', async () => {
    const stream = new PassThrough();
    let proxiedLines = '';
    stream.on('data', (c: Buffer) => {
      proxiedLines += c.toString();
    });
    const proxied = await buildApp(
      { ...deps, signal: new LocalSignal() },
      { config: { ...testConfig, logLevel: 'info', trustProxy: '10.0.0.1' }, logger: { stream } },
    );
    try {
      /** The client address Fastify settled on, as its request log records it. */
      const seen = async (remoteAddress: string, forwarded: string) => {
        await proxied.inject({
          method: 'GET',
          url: '/api/health',
          remoteAddress,
          headers: { 'x-forwarded-for': forwarded },
        });
        const records = proxiedLines
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { req?: { remoteAddress?: string } });
        return records.findLast((r) => r.req?.remoteAddress !== undefined)?.req?.remoteAddress;
      };
      expect(await seen('10.0.0.1', '203.0.113.50')).toBe('203.0.113.50');
      // Only the hop the proxy added counts: what the client wrote before it is not believed.
      expect(await seen('10.0.0.1', '192.0.2.1, 203.0.113.51')).toBe('203.0.113.51');
      expect(await seen('198.51.100.20', '203.0.113.52')).toBe('198.51.100.20');
    } finally {
      await proxied.close();
    }
  });
});
