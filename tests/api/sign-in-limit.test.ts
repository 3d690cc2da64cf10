import { buildApp } from '@defuse/server/app';
import { openPostgres } from '@defuse/server/db/open';
import { accountDelaySeconds, SIGN_IN_LIMITS } from '@defuse/server/domain/sign-in-limits';
import { LocalSignal } from '@defuse/server/live/local-signal';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testConfig } from '../helpers/app.ts';
import { minutes } from '../helpers/clock.ts';
import { createActor, TEST_PASSWORD } from '../helpers/factories.ts';
import { errorOf } from '../helpers/inject.ts';

/**
 * docs/security.md check 4: sign-in attempts are counted in the database, before they are evaluated, so a
 * parallel burst of any size gets at most the limit evaluated; an attack on an account slows the
 * guesser (a delay of seconds) without locking the real person out for the window.
 */
let ctx: TestContext;
// Each test attacks from its own addresses, so one test's counts do not decide another's.
let net = 0;
const freshAddress = () => `198.51.100.${++net}`;

beforeAll(async () => {
  // Connections enough that parallel attempts really run in parallel on PostgreSQL.
  ctx = await createTestContext({ dbMax: 10 });
});
afterAll(() => ctx.close());

const attempt = (email: string, password: string, address: string, app: FastifyInstance = ctx.app) =>
  app.inject({ method: 'POST', url: '/api/session', payload: { email, password }, remoteAddress: address });

type Res = Awaited<ReturnType<typeof attempt>>;
const codes = (all: Res[]) => ({
  evaluated: all.filter((r) => r.statusCode === 401).length,
  limited: all.filter((r) => r.statusCode === 429).length,
  other: all.filter((r) => r.statusCode !== 401 && r.statusCode !== 429).map((r) => r.statusCode),
});

function expectLimited(res: Res) {
  expect(res.statusCode).toBe(429);
  expect(errorOf(res).code).toBe('rate_limited');
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
  return retryAfter;
}

describe('a parallel burst', () => {
  it('of 40 wrong passwords on one account from one address gets only the free attempts and one more evaluated', async () => {
    const victim = await createActor(ctx, 'member');
    const address = freshAddress();
    const all = await Promise.all(
      Array.from({ length: 40 }, (_, i) => attempt(victim.email, `wrong-${i}-password`, address)),
    );
    const { evaluated, limited, other } = codes(all);
    expect(other).toEqual([]);
    expect(evaluated).toBeGreaterThanOrEqual(1);
    expect(evaluated).toBeLessThanOrEqual(SIGN_IN_LIMITS.freeAccountAttempts + 1);
    expect(limited).toBe(40 - evaluated);
    for (const res of all.filter((r) => r.statusCode === 429)) {
      expect(expectLimited(res)).toBeLessThanOrEqual(SIGN_IN_LIMITS.maxAccountDelaySeconds);
    }
  });

  it('of 120 from one fresh address, over as many accounts, gets at most the address limit evaluated', async () => {
    const address = freshAddress();
    const all = await Promise.all(
      Array.from({ length: 120 }, (_, i) => attempt(`spray-${i}@example.test`, 'password123', address)),
    );
    const { evaluated, limited, other } = codes(all);
    expect(other).toEqual([]);
    expect(evaluated).toBe(SIGN_IN_LIMITS.perAddress);
    expect(limited).toBe(120 - SIGN_IN_LIMITS.perAddress);
    for (const res of all.filter((r) => r.statusCode === 429)) {
      const retryAfter = expectLimited(res);
      expect(retryAfter).toBeLessThanOrEqual(SIGN_IN_LIMITS.windowSeconds);
      expect(retryAfter).toBeGreaterThan(SIGN_IN_LIMITS.windowSeconds - 60);
    }
    // The address stays blocked for the window, even with a right password …
    const member = await createActor(ctx, 'member');
    expectLimited(await attempt(member.email, TEST_PASSWORD, address));
    // … and is let in again once the window is over.
    ctx.clock.advance(SIGN_IN_LIMITS.windowSeconds + 1);
    expect((await attempt(member.email, TEST_PASSWORD, address)).statusCode).toBe(200);
  });
});

describe('an attack on one account', () => {
  it('leaves the real person, at another address, signing in after a delay of seconds, not the window', async () => {
    const victim = await createActor(ctx, 'member');
    // Attackers at many addresses, one after another, each waiting out the delay it was told.
    for (let i = 0; i < 30; i++) {
      const res = await attempt(victim.email, `guess-${i}-password`, freshAddress());
      if (res.statusCode === 429) ctx.clock.advance(Number(res.headers['retry-after']));
      else expect(res.statusCode).toBe(401);
    }
    const home = freshAddress();
    const first = await attempt(victim.email, TEST_PASSWORD, home);
    if (first.statusCode === 429) {
      const wait = expectLimited(first);
      expect(wait).toBeLessThanOrEqual(SIGN_IN_LIMITS.maxAccountDelaySeconds);
      ctx.clock.advance(wait);
    }
    const signedIn = first.statusCode === 200 ? first : await attempt(victim.email, TEST_PASSWORD, home);
    expect(signedIn.statusCode).toBe(200);
    // A success starts the account afresh: the next typo is not delayed.
    expect((await attempt(victim.email, 'a typo in it', home)).statusCode).toBe(401);
    expect((await attempt(victim.email, TEST_PASSWORD, home)).statusCode).toBe(200);
  });

  it('waits longer after each failure, doubling to a cap of a few seconds', async () => {
    const victim = await createActor(ctx, 'member');
    const waits: number[] = [];
    for (let i = 0; waits.length < 6; i++) {
      const res = await attempt(victim.email, `guess-${i}-password`, freshAddress());
      if (res.statusCode === 401) continue;
      const wait = expectLimited(res);
      waits.push(wait);
      ctx.clock.advance(wait);
    }
    expect(waits).toEqual([1, 2, 4, 5, 5, 5]);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(accountDelaySeconds)).toEqual([0, 0, 0, 1, 2, 4, 5, 5]);
  });
});

describe('the limits', () => {
  it('give a successful sign-in its attempt back, so an office behind one address is not blocked', async () => {
    const address = freshAddress();
    const person = await createActor(ctx, 'member');
    for (let i = 0; i < SIGN_IN_LIMITS.perAddress + 5; i++) {
      expect((await attempt(person.email, TEST_PASSWORD, address)).statusCode).toBe(200);
    }
  });

  it('are shared by every instance: attempts counted through one are refused through another', async () => {
    // A second instance: its own app and, on PostgreSQL, its own connections to the same database.
    const second = ctx.database.url ? openPostgres(ctx.database.url, { max: 5 }) : undefined;
    const other = await buildApp(
      { ...ctx.deps, db: second?.db ?? ctx.deps.db, signal: new LocalSignal() },
      { config: testConfig, logger: false },
    );
    try {
      const address = freshAddress();
      const all = await Promise.all(
        Array.from({ length: 80 }, (_, i) =>
          attempt(`shared-${i}@example.test`, 'password123', address, i % 2 === 0 ? ctx.app : other),
        ),
      );
      expect(codes(all).evaluated).toBe(SIGN_IN_LIMITS.perAddress);
      for (const app of [ctx.app, other])
        expectLimited(await attempt('anyone@example.test', 'password123', address, app));
    } finally {
      await other.close();
      await second?.close();
    }
  });

  it('count an unknown email like a known one (no hint which accounts exist)', async () => {
    const known = await createActor(ctx, 'member');
    const statuses = async (email: string) => {
      const out: number[] = [];
      for (let i = 0; i < 6; i++) out.push((await attempt(email, `wrong-${i}-password`, freshAddress())).statusCode);
      return out;
    };
    expect(await statuses('nobody-here@example.test')).toEqual(await statuses(known.email));
    ctx.clock.advance(minutes(1));
  });
});
