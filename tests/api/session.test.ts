import { apiTokens, people, sessions } from '@defuse/drizzle';
import { hashToken } from '@defuse/server/auth/tokens';
import { SIGN_IN_LIMITS } from '@defuse/server/domain/sign-in-limits';
import { PersonResponseSchema, TokenCreatedSchema } from '@defuse/shared';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_ORIGIN, type TestContext } from '../helpers/app.ts';
import { days, hours } from '../helpers/clock.ts';
import { createActor, createWorkspace, TEST_PASSWORD } from '../helpers/factories.ts';
import { bodyOf, errorOf } from '../helpers/inject.ts';

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;

beforeAll(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
});
afterAll(() => ctx.close());

const signIn = (email: string, password: string, headers: Record<string, string> = {}) =>
  ctx.app.inject({ method: 'POST', url: '/api/session', payload: { email, password }, headers });

function sessionCookie(res: { headers: Record<string, unknown> }): string {
  const raw = res.headers['set-cookie'];
  const line = (Array.isArray(raw) ? raw[0] : raw) as string;
  return line.split(';')[0] ?? '';
}

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Lax, Path=/ cookie that is not Secure over plain http', async () => {
    const res = await signIn(ws.field.email, TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res, PersonResponseSchema).person.id).toBe(ws.field.id);
    const line = String(res.headers['set-cookie']);
    expect(line).toMatch(/^defuse_session=[A-Za-z0-9_-]{43};/);
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Lax/);
    expect(line).toMatch(/Path=\//);
    expect(line).not.toMatch(/Secure/);
    const token = sessionCookie(res).split('=')[1] ?? '';
    expect(res.body).not.toContain(token);
    // 32 bytes from the CSPRNG (43 base64url characters); only its SHA-256 is stored.
    const stored = await ctx.deps.db
      .select()
      .from(sessions)
      .where(eq(sessions.tokenHash, hashToken(token)));
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(await ctx.deps.db.select().from(sessions))).not.toContain(token);
  });

  it('accepts the email in any case', async () => {
    expect((await signIn(ws.field.email.toUpperCase(), TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('answers the same 401 for an unknown email and a wrong password', async () => {
    const unknown = await signIn('nobody@example.test', TEST_PASSWORD);
    const wrong = await signIn(ws.member.email, 'not the password');
    for (const res of [unknown, wrong]) {
      expect(res.statusCode).toBe(401);
      expect(errorOf(res).code).toBe('invalid_credentials');
    }
    expect(errorOf(unknown).message).toBe(errorOf(wrong).message);
  });

  it('issues a new token at every sign-in and ends it at sign-out', async () => {
    const a = sessionCookie(await signIn(ws.otherField.email, TEST_PASSWORD));
    const b = sessionCookie(await signIn(ws.otherField.email, TEST_PASSWORD));
    expect(a).not.toBe(b);
    const me = await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: a } });
    expect(bodyOf(me, PersonResponseSchema).person.email).toBe(ws.otherField.email);
    const out = await ctx.app.inject({
      method: 'DELETE',
      url: '/api/session',
      headers: { cookie: a, origin: TEST_ORIGIN },
    });
    expect(out.statusCode).toBe(204);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: a } })).statusCode).toBe(401);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: b } })).statusCode).toBe(200);
  });

  it('refuses a sign-in posted from a foreign page', async () => {
    const res = await signIn(ws.field.email, TEST_PASSWORD, { origin: 'https://evil.example' });
    expect(res.statusCode).toBe(403);
  });
});

describe('sessions', () => {
  // Its own app and clock: the month it fast-forwards would end every other test's sessions.
  it('end after the idle lifetime and after the absolute lifetime', async () => {
    const ctx = await createTestContext();
    const idle = await createActor(ctx, 'field');
    ctx.clock.advance(hours(11));
    expect((await ctx.app.inject({ method: 'GET', url: '/api/me', headers: idle.headers })).statusCode).toBe(200);
    ctx.clock.advance(hours(12) + 60);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/me', headers: idle.headers })).statusCode).toBe(401);

    const busy = await createActor(ctx, 'field');
    for (let d = 0; d < 31; d++) {
      ctx.clock.advance(days(1) - hours(13));
      await ctx.app.inject({ method: 'GET', url: '/api/me', headers: busy.headers });
      ctx.clock.advance(hours(13));
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/api/me', headers: busy.headers })).statusCode).toBe(401);
    await ctx.close();
  });

  it('end when an admin disables the person', async () => {
    const leaving = await createActor(ctx, 'member');
    const res = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/people/${leaving.id}`,
      headers: ws.admin.headers,
      payload: { disabled: true },
    });
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res, PersonResponseSchema).person.disabled).toBe(true);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/me', headers: leaving.headers })).statusCode).toBe(401);
    expect((await signIn(leaving.email, TEST_PASSWORD)).statusCode).toBe(401);
  });
});

describe('cookie requests that change state', () => {
  const payload = { title: 'from a form', category: 'other', severity: 'low' };

  it('need an allowed Origin or Sec-Fetch-Site: same-origin', async () => {
    const { cookie } = ws.field.headers;
    const none = await ctx.app.inject({ method: 'POST', url: '/api/bombs', headers: { cookie }, payload });
    const evil = await ctx.app.inject({
      method: 'POST',
      url: '/api/bombs',
      headers: { cookie, origin: 'https://evil.example' },
      payload,
    });
    const same = await ctx.app.inject({
      method: 'POST',
      url: '/api/bombs',
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
      payload,
    });
    const allowed = await ctx.app.inject({ method: 'POST', url: '/api/bombs', headers: ws.field.headers, payload });
    expect([none.statusCode, evil.statusCode, same.statusCode, allowed.statusCode]).toEqual([403, 403, 201, 201]);
  });

  it('refuse form and text bodies', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/bombs',
        headers: { ...ws.field.headers, 'content-type': type },
        payload: 'title=x&category=other&severity=low',
      });
      expect(res.statusCode, type).toBe(415);
      expect(errorOf(res).code).toBe('unsupported_media_type');
    }
  });
});

describe('API tokens', () => {
  it('are shown once, stored hashed, and authenticate as their person', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: ws.lead.headers,
      payload: { name: 'script' },
    });
    expect(res.statusCode).toBe(201);
    const { id, token } = bodyOf(res, TokenCreatedSchema);
    expect(token).toMatch(/^dfs_[A-Za-z0-9_-]{43}$/);
    const [row] = await ctx.deps.db.select().from(apiTokens).where(eq(apiTokens.id, id));
    expect(row?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token);
    const me = await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
    expect(bodyOf(me, PersonResponseSchema).person.id).toBe(ws.lead.id);
    const bad = await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}x` } });
    expect(bad.statusCode).toBe(401);
  });
});

describe('passwords', () => {
  it('are stored as argon2id with at least 19 MiB and 2 passes', async () => {
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/people',
      headers: ws.admin.headers,
      payload: { name: '新人 花子', email: 'hanako@example.test', role: 'field', password: 'a long enough passphrase' },
    });
    expect(created.statusCode).toBe(201);
    const [row] = await ctx.deps.db.select().from(people).where(eq(people.email, 'hanako@example.test'));
    const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(row?.passwordHash ?? '');
    expect(m).not.toBeNull();
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(19_456);
    expect(Number(m?.[2])).toBeGreaterThanOrEqual(2);
    expect(Number(m?.[3])).toBe(1);
    expect((await signIn('hanako@example.test', 'a long enough passphrase')).statusCode).toBe(200);
  });

  it('take any characters from 8 up to 256, with no composition rules (check 3)', async () => {
    const accepted = [
      'abcdefgh',
      'パスワードです長い',
      'x'.repeat(64),
      `${'long passphrase '.repeat(16)}`.slice(0, 256),
    ];
    for (const [i, password] of accepted.entries()) {
      const email = `any-${i}@example.test`;
      const created = await ctx.app.inject({
        method: 'POST',
        url: '/api/people',
        headers: ws.admin.headers,
        payload: { name: `Any ${i}`, email, role: 'field', password },
      });
      expect(created.statusCode, password).toBe(201);
      expect((await signIn(email, password)).statusCode, password).toBe(200);
    }
    const tooLong = await ctx.app.inject({
      method: 'POST',
      url: '/api/people',
      headers: ws.admin.headers,
      payload: { name: 'Too long', email: 'too-long@example.test', role: 'field', password: 'x'.repeat(257) },
    });
    expect(tooLong.statusCode).toBe(400);
  });

  it('take as long to refuse an unknown email as a wrong password (check 3)', async () => {
    const known = await createActor(ctx, 'field');
    const time = async (email: string, i: number) => {
      const started = performance.now();
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/session',
        // One address per attempt, so the per-address limit does not end the measurement.
        remoteAddress: `192.0.2.${i}`,
        payload: { email, password: `not-the-password-${i}` },
      });
      expect(res.statusCode).toBe(401);
      return performance.now() - started;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const unknown: number[] = [];
    const wrong: number[] = [];
    // Interleaved, so load from elsewhere on the machine falls on both alike.
    for (let i = 0; i < 7; i++) {
      unknown.push(await time(`nobody-${i}@example.test`, 2 * i + 1));
      wrong.push(await time(known.email, 2 * i + 2));
      // Past the account's delay (tested in sign-in-limit.test.ts), so every try is evaluated.
      ctx.clock.advance(SIGN_IN_LIMITS.maxAccountDelaySeconds);
    }
    const ratio = median(unknown) / median(wrong);
    expect(ratio, `unknown ${median(unknown).toFixed(1)} ms, wrong ${median(wrong).toFixed(1)} ms`).toBeGreaterThan(
      0.6,
    );
    expect(ratio, `unknown ${median(unknown).toFixed(1)} ms, wrong ${median(wrong).toFixed(1)} ms`).toBeLessThan(2);
  });

  it('must be at least 8 characters', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/people',
      headers: ws.admin.headers,
      payload: { name: 'Short', email: 'short@example.test', role: 'field', password: 'short' },
    });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).fields?.map((f) => f.path)).toEqual(['password']);
  });
});
