import { escalationJobs, events } from '@defuse/drizzle';
import { buildApp } from '@defuse/server/app';
import { escalateDue } from '@defuse/server/commands/escalate-due';
import { openPostgres } from '@defuse/server/db/open';
import type { Deps } from '@defuse/server/deps';
import { SCHEDULER_TASKS, schedulerPlugin } from '@defuse/server/plugins/scheduler';
import type { Bomb, EventData } from '@defuse/shared';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, advance, getBomb, must } from '../helpers/actions.ts';
import { createTestContext, type TestContext, testConfig } from '../helpers/app.ts';
import { usingPostgres } from '../helpers/db.ts';
import { createWorkspace, fileBomb } from '../helpers/factories.ts';

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;

const POLICY = {
  claimWithinSeconds: { low: 600, normal: 300, high: 120, critical: 60 },
  resolveWithinSeconds: { low: 6000, normal: 3000, high: 1200, critical: 600 },
  idleSeconds: 900,
  tiers: [
    { afterSeconds: 0, target: 'lead' },
    { afterSeconds: 60, target: 'pm' },
    { afterSeconds: 120, target: 'admin' },
  ],
};

beforeAll(async () => {
  ctx = await createTestContext({ dbMax: 10 });
  ws = await createWorkspace(ctx);
  for (const id of Object.values(ws.departments)) {
    const res = await ctx.app.inject({
      method: 'PUT',
      url: `/api/departments/${id}/policy`,
      headers: ws.admin.headers,
      payload: POLICY,
    });
    if (res.statusCode !== 200) throw new Error(res.body);
  }
});
afterAll(() => ctx.close());

async function escalations(bombId?: string): Promise<EventData<'bomb.escalated'>[]> {
  const rows = await ctx.deps.db
    .select()
    .from(events)
    .where(and(eq(events.type, 'bomb.escalated'), bombId ? eq(events.bombId, bombId) : undefined))
    .orderBy(events.seq);
  return rows.map((r) => r.data as EventData<'bomb.escalated'>);
}

const untilDue = (iso: string | null) => (Date.parse(iso ?? '') - ctx.clock.now().getTime()) / 1000;

describe('timed escalation', () => {
  it('a missed claim deadline fires tier 1 at the deadline and tier i afterSeconds later, each once', async () => {
    const bomb = await fileBomb(ctx, ws.field);
    await advance(ctx, untilDue(bomb.claimDueAt) - 1);
    await escalateDue(ctx.deps);
    expect(await escalations(bomb.id)).toHaveLength(0);
    await advance(ctx, 1);
    await escalateDue(ctx.deps);
    await escalateDue(ctx.deps);
    expect(await escalations(bomb.id)).toMatchObject([{ tier: 1, target: 'lead', reason: 'claim_overdue' }]);
    expect((await getBomb(ctx, ws.pm, bomb.id)).tier).toBe(1);
    await advance(ctx, 60);
    await escalateDue(ctx.deps);
    await advance(ctx, 3600);
    await escalateDue(ctx.deps);
    await escalateDue(ctx.deps);
    const fired = await escalations(bomb.id);
    expect(fired.map((d) => [d.tier, d.target])).toEqual([
      [1, 'lead'],
      [2, 'pm'],
      [3, 'admin'],
    ]);
    expect(fired[2]?.bomb).toMatchObject({ tier: 3 });
  });

  it('a missed resolve deadline fires resolve_overdue; waiting stops that clock', async () => {
    const bomb = await fileBomb(ctx, ws.field);
    const claimed = await must(ctx, ws.member, bomb.id, 'claim');
    await must(ctx, ws.member, bomb.id, 'transition', { to: 'waiting' });
    // Far past the original resolve deadline, but the clock is paused.
    await advance(ctx, untilDue(claimed.resolveDueAt) + 500);
    await escalateDue(ctx.deps);
    expect((await escalations(bomb.id)).filter((d) => d.reason === 'resolve_overdue')).toHaveLength(0);
    const resumed = await must(ctx, ws.member, bomb.id, 'transition', { to: 'claimed' });
    expect(untilDue(resumed.resolveDueAt)).toBeGreaterThan(0);
    await advance(ctx, untilDue(resumed.resolveDueAt));
    await escalateDue(ctx.deps);
    expect((await escalations(bomb.id)).filter((d) => d.reason === 'resolve_overdue')).toMatchObject([
      { tier: 1, target: 'lead' },
    ]);
  });

  it('a claimed bomb its assignee does not act on escalates as claimed_idle; an action restarts the idle clock', async () => {
    const bomb = await fileBomb(ctx, ws.field, { severity: 'low' });
    await must(ctx, ws.member, bomb.id, 'claim');
    await advance(ctx, 800);
    await act(ctx, ws.member, bomb.id, 'comments', { body: 'still on it' });
    await advance(ctx, 200); // 1000 s after the claim, 200 s after the comment
    await escalateDue(ctx.deps);
    expect(await escalations(bomb.id)).toHaveLength(0);
    await advance(ctx, 700); // 900 s after the comment
    await escalateDue(ctx.deps);
    expect(await escalations(bomb.id)).toMatchObject([{ tier: 1, reason: 'claimed_idle' }]);
  });

  it('a policy changed after a deadline was set does not move the escalation already written', async () => {
    const bomb = await fileBomb(ctx, ws.field);
    const res = await ctx.app.inject({
      method: 'PUT',
      url: `/api/departments/${ws.departments.logistics}/policy`,
      headers: ws.admin.headers,
      payload: { ...POLICY, tiers: [{ afterSeconds: 9999, target: 'admin' }] },
    });
    expect(res.statusCode).toBe(200);
    await advance(ctx, untilDue(bomb.claimDueAt));
    await escalateDue(ctx.deps);
    expect(await escalations(bomb.id)).toMatchObject([{ tier: 1, target: 'lead' }]);
    await ctx.app.inject({
      method: 'PUT',
      url: `/api/departments/${ws.departments.logistics}/policy`,
      headers: ws.admin.headers,
      payload: POLICY,
    });
  });

  it('the production scheduler fires a due escalation within 2 seconds', async () => {
    await escalateDue(ctx.deps);
    const bomb = await fileBomb(ctx, ws.field, { severity: 'critical' });
    await advance(ctx, untilDue(bomb.claimDueAt));
    const instance = await buildApp(ctx.deps, { config: testConfig, logger: false });
    await instance.register(schedulerPlugin, { deps: ctx.deps, tasks: SCHEDULER_TASKS });
    await instance.ready();
    try {
      // The registered tasks run on their real one-second interval: this waits on that timer, not on time passing.
      await vi.waitFor(async () => expect(await escalations(bomb.id)).toHaveLength(1), { timeout: 2000, interval: 50 });
    } finally {
      await instance.close();
    }
  });
});

describe('exactly once, across restarts and instances', () => {
  async function dueBombs(n: number): Promise<Bomb[]> {
    await escalateDue(ctx.deps);
    const list: Bomb[] = [];
    for (let i = 0; i < n; i++) list.push(await fileBomb(ctx, ws.field, { title: `due ${i}`, severity: 'critical' }));
    await advance(ctx, 60);
    return list;
  }

  /** No (bomb, reason, deadline, tier) has two events, and nothing due is left unfired. */
  async function expectEachFiredOnce() {
    const keys = (await escalations()).map((d) => `${(d.bomb as Bomb).id}/${d.reason}/${d.deadlineAt}/${d.tier}`);
    expect(new Set(keys).size).toBe(keys.length);
    const pending = await ctx.deps.db
      .select()
      .from(escalationJobs)
      .where(and(isNull(escalationJobs.firedAt), isNull(escalationJobs.cancelledAt)));
    expect(pending.filter((j) => j.dueAt <= ctx.clock.now())).toHaveLength(0);
  }

  const countPerBomb = async (list: Bomb[]) =>
    Promise.all(list.map(async (b) => (await escalations(b.id)).filter((d) => d.reason === 'claim_overdue').length));

  it('a crash in the middle of a batch rolls back; the next start fires each once', async () => {
    const list = await dueBombs(5);
    const crashing: Deps = {
      ...ctx.deps,
      db: new Proxy(ctx.deps.db, {
        get(target, prop, receiver) {
          if (prop !== 'transaction') return Reflect.get(target, prop, receiver);
          return (work: (tx: unknown) => Promise<unknown>) =>
            target.transaction(async (tx) => {
              await work(tx);
              throw new Error('power cut before commit');
            });
        },
      }),
    };
    await expect(escalateDue(crashing)).rejects.toThrow('power cut');
    expect(await countPerBomb(list)).toEqual([0, 0, 0, 0, 0]);
    // Ticks as the scheduler runs them (one a second here shortened): a row that SKIP LOCKED
    // passed over while the rolled-back batch still held it fires on a later tick — and nothing
    // fires twice.
    for (let tick = 0; tick < 10 && (await countPerBomb(list)).some((n) => n === 0); tick++) {
      await escalateDue(ctx.deps);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await countPerBomb(list)).toEqual([1, 1, 1, 1, 1]);
  });

  it('a restart in the middle of a due window loses none and repeats none', async () => {
    const list = await dueBombs(5);
    const before = (await escalations()).length;
    // The first instance takes one batch of two, then stops.
    await escalateDue(ctx.deps, { batchSize: 2, maxBatches: 1 });
    expect((await escalations()).length).toBe(before + 2);
    // A fresh app over the same database (a restart) carries on.
    await ctx.app.close();
    ctx.app = await buildApp(ctx.deps, { config: testConfig, logger: false });
    await ctx.app.ready();
    await escalateDue(ctx.deps);
    await escalateDue(ctx.deps);
    expect(await countPerBomb(list)).toEqual([1, 1, 1, 1, 1]);
    await expectEachFiredOnce();
  });

  it('two scheduler runs at once in one process fire each escalation once', async () => {
    const list = await dueBombs(20);
    await Promise.all([escalateDue(ctx.deps, { batchSize: 3 }), escalateDue(ctx.deps, { batchSize: 3 })]);
    expect(await countPerBomb(list)).toEqual(list.map(() => 1));
    await expectEachFiredOnce();
  });

  // Two instances with their own connection pools need a server both can reach; PGlite lives
  // inside one process, so this case runs in the PostgreSQL pass (the test above covers PGlite).
  describe.runIf(usingPostgres())('on PostgreSQL', () => {
    it('two instances (two Deps on one database URL) fire each escalation exactly once', async () => {
      const url = ctx.database.url;
      if (!url) throw new Error('the PostgreSQL pass must expose the test database URL');
      const list = await dueBombs(60);
      const other = openPostgres(url, { max: 4 });
      try {
        const second: Deps = { ...ctx.deps, db: other.db };
        const loop = async (deps: Deps) => {
          for (let i = 0; i < 5; i++) await escalateDue(deps, { batchSize: 4 });
        };
        await Promise.all([loop(ctx.deps), loop(second), loop(ctx.deps), loop(second)]);
      } finally {
        await other.close();
      }
      expect(await countPerBomb(list)).toEqual(list.map(() => 1));
      await expectEachFiredOnce();
    });
  });
});
