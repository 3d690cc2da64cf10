import { apiTokens } from '@defuse/drizzle';
import { MAX_TOKENS_PER_PERSON } from '@defuse/server/commands/api-tokens';
import { TokenCreatedSchema, TokenListSchema } from '@defuse/shared';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_ORIGIN, type TestContext } from '../helpers/app.ts';
import { days } from '../helpers/clock.ts';
import { type Actor, createActor, TEST_PASSWORD } from '../helpers/factories.ts';
import { bodyOf, errorOf } from '../helpers/inject.ts';

/** docs/security.md check 21: API tokens are listed and revoked by their owner and admins, expire, and die with the password. */
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function create(actor: Actor, payload: Record<string, unknown> = { name: 'script' }) {
  const res = await ctx.app.inject({ method: 'POST', url: '/api/tokens', headers: actor.headers, payload });
  expect(res.statusCode, res.body).toBe(201);
  return bodyOf(res, TokenCreatedSchema);
}

const list = async (actor: Actor, query = '') => {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/tokens${query}`, headers: actor.headers });
  return {
    status: res.statusCode,
    body: res.body,
    items: res.statusCode === 200 ? bodyOf(res, TokenListSchema).items : [],
  };
};

const revoke = (actor: Actor, id: string) =>
  ctx.app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: actor.headers });

const me = async (headers: Record<string, string>) =>
  (await ctx.app.inject({ method: 'GET', url: '/api/me', headers })).statusCode;

describe('GET /api/tokens', () => {
  it("lists the caller's own tokens, never a secret", async () => {
    const owner = await createActor(ctx, 'member');
    const other = await createActor(ctx, 'member');
    const a = await create(owner, { name: 'nightly export' });
    const b = await create(owner, { name: 'ci', expiresInDays: 30 });
    await create(other, { name: 'not yours' });
    const { status, items, body } = await list(owner);
    expect(status).toBe(200);
    const now = ctx.clock.now().toISOString();
    expect(items).toEqual([
      { id: a.id, name: 'nightly export', createdAt: now, lastUsedAt: null, expiresAt: null },
      {
        id: b.id,
        name: 'ci',
        createdAt: now,
        lastUsedAt: null,
        expiresAt: new Date(ctx.clock.now().getTime() + days(30) * 1000).toISOString(),
      },
    ]);
    for (const secret of [a.token, b.token]) expect(body).not.toContain(secret);
    expect(body).not.toMatch(/hash/i);
  });

  it("gives an admin anyone's tokens with ?personId=, and refuses that to others", async () => {
    const owner = await createActor(ctx, 'field');
    const admin = await createActor(ctx, 'admin');
    const lead = await createActor(ctx, 'lead');
    const t = await create(owner);
    const byAdmin = await list(admin, `?personId=${owner.id}`);
    expect(byAdmin.items.map((i) => i.id)).toEqual([t.id]);
    expect((await list(lead, `?personId=${owner.id}`)).status).toBe(403);
    expect((await list(owner, `?personId=${owner.id}`)).items.map((i) => i.id)).toEqual([t.id]);
    expect((await list(admin, '?personId=not-an-id')).status).toBe(400);
    expect((await list(admin, '?secret=1')).status).toBe(400);
  });

  it('shows when a token was last used, written at most once a minute', async () => {
    const owner = await createActor(ctx, 'member');
    const t = await create(owner);
    const lastUsed = async () =>
      (await ctx.deps.db.select().from(apiTokens).where(eq(apiTokens.id, t.id)))[0]?.lastUsedAt?.toISOString();
    const usedAt = ctx.clock.now().toISOString();
    expect(await me(bearer(t.token))).toBe(200);
    expect(await lastUsed()).toBe(usedAt);
    ctx.clock.advance(30);
    expect(await me(bearer(t.token))).toBe(200);
    expect(await lastUsed()).toBe(usedAt);
    ctx.clock.advance(31);
    expect(await me(bearer(t.token))).toBe(200);
    expect(await lastUsed()).toBe(ctx.clock.now().toISOString());
    expect((await list(owner)).items[0]?.lastUsedAt).toBe(ctx.clock.now().toISOString());
  });
});

describe('POST /api/tokens', () => {
  it('honours an expiry: the token gets 401 once it is past', async () => {
    const owner = await createActor(ctx, 'member');
    const t = await create(owner, { name: 'short-lived', expiresInDays: 1 });
    expect(await me(bearer(t.token))).toBe(200);
    ctx.clock.advance(days(1) - 1);
    expect(await me(bearer(t.token))).toBe(200);
    ctx.clock.advance(1);
    expect(await me(bearer(t.token))).toBe(401);
  });

  it('refuses a bad expiry, unknown fields, and more than the cap of live tokens', async () => {
    const owner = await createActor(ctx, 'member');
    for (const payload of [
      { name: 'x', expiresInDays: 0 },
      { name: 'x', expiresInDays: 1.5 },
      { name: 'x', expiresInDays: 3651 },
      { name: 'x', personId: owner.id },
      { name: '' },
    ]) {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/tokens', headers: owner.headers, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(errorOf(res).code).toBe('validation_failed');
    }
    for (let i = 0; i < MAX_TOKENS_PER_PERSON; i++) await create(owner, { name: `t${i}` });
    const over = await ctx.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: owner.headers,
      payload: { name: 'one too many' },
    });
    expect(over.statusCode).toBe(409);
  });
});

describe('DELETE /api/tokens/:id', () => {
  it('revokes the caller’s own token: 204, then 401 for it and gone from the list', async () => {
    const owner = await createActor(ctx, 'member');
    const t = await create(owner);
    const kept = await create(owner, { name: 'kept' });
    expect((await revoke(owner, t.id)).statusCode).toBe(204);
    expect(await me(bearer(t.token))).toBe(401);
    expect(await me(bearer(kept.token))).toBe(200);
    expect((await list(owner)).items.map((i) => i.id)).toEqual([kept.id]);
    expect((await revoke(owner, t.id)).statusCode).toBe(404);
  });

  it("is a 404 for someone else's token, which keeps working; an admin revokes anyone's", async () => {
    const owner = await createActor(ctx, 'field');
    const t = await create(owner);
    for (const role of ['field', 'member', 'lead', 'pm'] as const) {
      const stranger = await createActor(ctx, role);
      const res = await revoke(stranger, t.id);
      expect(res.statusCode, role).toBe(404);
      expect(errorOf(res).code).toBe('not_found');
    }
    expect(await me(bearer(t.token))).toBe(200);
    const admin = await createActor(ctx, 'admin');
    expect((await revoke(admin, t.id)).statusCode).toBe(204);
    expect(await me(bearer(t.token))).toBe(401);
  });

  it('works with the token itself (a script retiring its own key) and refuses a malformed id', async () => {
    const owner = await createActor(ctx, 'member');
    const t = await create(owner);
    const res = await ctx.app.inject({ method: 'DELETE', url: `/api/tokens/${t.id}`, headers: bearer(t.token) });
    expect(res.statusCode).toBe(204);
    expect(await me(bearer(t.token))).toBe(401);
    expect((await revoke(owner, 'nope')).statusCode).toBe(400);
  });
});

describe('a new password or disabling', () => {
  const patch = (admin: Actor, id: string, payload: Record<string, unknown>) =>
    ctx.app.inject({ method: 'PATCH', url: `/api/people/${id}`, headers: admin.headers, payload });

  it('revokes every token and session of the person when an admin sets their password', async () => {
    const admin = await createActor(ctx, 'admin');
    const person = await createActor(ctx, 'member');
    const tokens = [await create(person, { name: 'a' }), await create(person, { name: 'b' })];
    const res = await patch(admin, person.id, { password: 'a brand new passphrase' });
    expect(res.statusCode).toBe(200);
    for (const t of tokens) expect(await me(bearer(t.token))).toBe(401);
    expect(await me(person.headers)).toBe(401);
    expect(await me(admin.headers)).toBe(200);
  });

  it('revokes tokens for good when disabling: enabling again does not bring them back', async () => {
    const admin = await createActor(ctx, 'admin');
    const person = await createActor(ctx, 'member');
    const t = await create(person);
    expect((await patch(admin, person.id, { disabled: true })).statusCode).toBe(200);
    expect((await patch(admin, person.id, { disabled: false })).statusCode).toBe(200);
    expect(await me(bearer(t.token))).toBe(401);
    expect((await list(admin, `?personId=${person.id}`)).items).toEqual([]);
  });

  it('keeps the session that changed its own password, and ends the others', async () => {
    const admin = await createActor(ctx, 'admin');
    const signIn = await ctx.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: admin.email, password: TEST_PASSWORD },
    });
    expect(signIn.statusCode).toBe(200);
    const otherBrowser = { cookie: String(signIn.headers['set-cookie']).split(';')[0] ?? '', origin: TEST_ORIGIN };
    const t = await create(admin);
    expect(await me(otherBrowser)).toBe(200);
    expect((await patch(admin, admin.id, { password: 'my own new passphrase' })).statusCode).toBe(200);
    expect(await me(admin.headers)).toBe(200);
    expect(await me(otherBrowser)).toBe(401);
    expect(await me(bearer(t.token))).toBe(401);
  });

  it('leaves tokens alone on a change that is not the password (a name)', async () => {
    const admin = await createActor(ctx, 'admin');
    const person = await createActor(ctx, 'member');
    const t = await create(person);
    expect((await patch(admin, person.id, { name: 'Renamed' })).statusCode).toBe(200);
    expect(await me(bearer(t.token))).toBe(200);
  });
});
