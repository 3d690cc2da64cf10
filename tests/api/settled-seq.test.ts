import { appendEvents } from '@defuse/server/queries/events';
import { oldestRunning, oldestRunningHere, SettledSeq } from '@defuse/server/queries/settled-seq';
import { type DefuseEvent, EventsResponseSchema } from '@defuse/shared';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { usingPostgres } from '../helpers/db.ts';
import { createWorkspace, isolationChanged } from '../helpers/factories.ts';
import { bodyOf } from '../helpers/inject.ts';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({ dbMax: 4 });
});
afterAll(() => ctx.close());

const event = (n: number) => isolationChanged(ctx.clock.now(), null, n);

describe('SettledSeq', () => {
  it('reads the oldest running transaction out of a snapshot', () => {
    expect(oldestRunning('100:105:101,103')).toBe(100n);
    expect(oldestRunning('4294967396:4294967400:')).toBe(4_294_967_396n);
  });

  it('finds the oldest of this database’s transactions, across a wraparound of the 32-bit ids', () => {
    expect(oldestRunningHere('103,101', 105n)).toBe(101n);
    // none running: everything up to the mark has finished
    expect(oldestRunningHere(null, 105n)).toBe(106n);
    // mark 2^32 + 100: xid 90 is of this epoch, 4294967200 of the one before
    expect(oldestRunningHere('90,4294967200', 4_294_967_396n)).toBe(4_294_967_200n);
    expect(oldestRunningHere('90', 4_294_967_396n)).toBe(4_294_967_386n);
  });

  it('settles at the newest seq once nothing is in flight', async () => {
    const settled = new SettledSeq(ctx.deps.db);
    const [a] = await ctx.deps.db.transaction((tx) => appendEvents(tx, [event(1)]));
    const [b] = await ctx.deps.db.transaction((tx) => appendEvents(tx, [event(2)]));
    expect(await settled.settle()).toBe(b?.seq);
    expect(a?.seq).toBeLessThan(b?.seq ?? 0);
  });
});

// Two transactions open at once need a server: PGlite runs one transaction at a time, so there
// the late commit this guards against cannot happen.
describe.runIf(usingPostgres())('a seq that commits late', () => {
  it('holds back later seqs until it commits, then delivers both in order', async () => {
    const settled = new SettledSeq(ctx.deps.db);
    const ws = await createWorkspace(ctx);
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let early: DefuseEvent | undefined;
    const slow = ctx.deps.db.transaction(async (tx) => {
      [early] = await appendEvents(tx, [event(10)]);
      await held;
    });
    while (!early) await new Promise((r) => setTimeout(r, 5));
    const [late] = await ctx.deps.db.transaction((tx) => appendEvents(tx, [event(11)]));
    expect(late?.seq).toBeGreaterThan(early.seq);

    await settled.poll();
    expect(await settled.poll()).toBeLessThan(early.seq);
    const polled = await ctx.app.inject({
      method: 'GET',
      url: `/api/events?after=${early.seq - 1}`,
      headers: ws.pm.headers,
    });
    expect(bodyOf(polled, EventsResponseSchema).events).toEqual([]);

    release();
    await slow;
    expect(await settled.settle()).toBeGreaterThanOrEqual(late?.seq ?? Number.POSITIVE_INFINITY);
    await ctx.app.inject({ method: 'GET', url: '/api/events?after=0', headers: ws.pm.headers });
    const after = await ctx.app.inject({
      method: 'GET',
      url: `/api/events?after=${early.seq - 1}`,
      headers: ws.pm.headers,
    });
    expect(bodyOf(after, EventsResponseSchema).events.map((e) => e.seq)).toEqual([early.seq, late?.seq]);
  });
});

describe.runIf(usingPostgres())('a transaction in another database on the same server', () => {
  it('does not hold back this database’s events', async () => {
    // The database the test run connects to: a neighbour, as another application's would be.
    const neighbour = postgres(process.env.TEST_DATABASE_URL ?? '', { max: 1, onnotice: () => {} });
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let open = false;
    const long = neighbour.begin(async (tx) => {
      await tx`select pg_current_xact_id()`;
      open = true;
      await held;
    });
    try {
      while (!open) await new Promise((r) => setTimeout(r, 5));
      const settled = new SettledSeq(ctx.deps.db);
      const [mine] = await ctx.deps.db.transaction((tx) => appendEvents(tx, [event(20)]));
      const started = performance.now();
      expect(await settled.settle(1500)).toBeGreaterThanOrEqual(mine?.seq ?? Number.POSITIVE_INFINITY);
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      release();
      await long;
      await neighbour.end();
    }
  });
});
