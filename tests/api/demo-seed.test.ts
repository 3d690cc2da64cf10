import { bombs, escalationJobs, events, ownershipSpans } from '@defuse/drizzle';
import { escalateDue } from '@defuse/server/commands/escalate-due';
import { seedDemo } from '@defuse/server/seed/demo';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  await seedDemo(ctx.deps);
});
afterAll(() => ctx.close());

const count = async (table: typeof bombs | typeof events | typeof ownershipSpans | typeof escalationJobs) => {
  const [row] = await ctx.deps.db.select({ n: sql<number>`count(*)::int` }).from(table);
  return row?.n ?? 0;
};

describe('demo seed', () => {
  it('moves bombs through the real claim and transition commands', async () => {
    const statuses = await ctx.deps.db
      .select({ status: bombs.status, n: sql<number>`count(*)::int` })
      .from(bombs)
      .groupBy(bombs.status);
    const by = Object.fromEntries(statuses.map((s) => [s.status, s.n]));
    expect(Object.keys(by).sort()).toEqual(['claimed', 'closed', 'open', 'resolved', 'waiting']);
    const claimed = await ctx.deps.db.select().from(events).where(eq(events.type, 'bomb.claimed'));
    expect(claimed.length).toBe((by.claimed ?? 0) + (by.waiting ?? 0) + (by.resolved ?? 0) + (by.closed ?? 0));
    const paused = await ctx.deps.db.select().from(events).where(eq(events.type, 'bomb.clock_paused'));
    expect(paused.length).toBe(by.waiting);
    expect(await count(ownershipSpans)).toBe(await count(bombs));
  });

  it('its overdue bombs escalate on the first tick, once', async () => {
    expect(await count(escalationJobs)).toBeGreaterThan(0);
    await escalateDue(ctx.deps);
    const first = await ctx.deps.db.select().from(events).where(eq(events.type, 'bomb.escalated'));
    expect(first.length).toBeGreaterThan(0);
    await escalateDue(ctx.deps);
    const second = await ctx.deps.db.select().from(events).where(eq(events.type, 'bomb.escalated'));
    expect(second.length).toBe(first.length);
  });
});
