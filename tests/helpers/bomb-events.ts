import { bombs, ownershipSpans } from '@defuse/drizzle';
import type { Tx } from '@defuse/server/db/types';
import { toBomb } from '@defuse/server/queries/bomb-row';
import { appendEvents } from '@defuse/server/queries/events';
import type { Bomb, DefuseEvent, EventType, RootCause } from '@defuse/shared';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { TestContext } from './app.ts';

/**
 * STAND-IN FOR THE BOMB ACTIONS OF ISSUE 3 (claim, decline, reroute, comment, helpers,
 * transitions, disputes), which do not exist on this branch. Each function writes what the real
 * command writes — the bomb row after the change, its ownership span, and one event carrying
 * `data.bomb` — through appendEvents in one transaction, then signals. After the merge these
 * calls switch to the real endpoints; the isolation code only reads the event log and the
 * bombs table, so it does not change.
 */
type Ctx = Pick<TestContext, 'deps'>;
type Who = { id: string };
type BombSet = Partial<typeof bombs.$inferInsert>;
type SpanChange = (tx: Tx, now: Date, departmentId: string | null) => Promise<unknown>;

async function change(
  ctx: Ctx,
  bombId: string,
  actor: Who | null,
  type: EventType,
  set: (now: Date) => BombSet,
  options: { data?: Record<string, unknown>; span?: SpanChange | undefined } = {},
): Promise<{ bomb: Bomb; event: DefuseEvent }> {
  const { db, clock, signal } = ctx.deps;
  const now = clock.now();
  const result = await db.transaction(async (tx) => {
    const [before] = await tx.select().from(bombs).where(eq(bombs.id, bombId)).for('update');
    if (!before) throw new Error(`no bomb ${bombId}`);
    const acted: BombSet = {};
    if (actor && actor.id !== before.filedById) acted.lastOtherActionAt = now;
    const patch = set(now);
    const assignee = patch.assigneeId !== undefined ? patch.assigneeId : before.assigneeId;
    if (actor && actor.id === assignee) acted.lastAssigneeActionAt = now;
    const [row] = await tx
      .update(bombs)
      .set({ ...acted, ...patch, version: sql`${bombs.version} + 1`, updatedAt: now })
      .where(eq(bombs.id, bombId))
      .returning();
    if (!row) throw new Error('update returned no row');
    if (options.span) await options.span(tx, now, before.departmentId);
    const bomb = toBomb(row);
    const [event] = await appendEvents(tx, [
      { type, bombId, actorId: actor?.id ?? null, at: now, data: { bomb, ...options.data } },
    ]);
    if (!event) throw new Error('no event');
    return { bomb, event };
  });
  signal.committed(result.event.seq);
  return result;
}

const openSpan = (departmentId: string | null) =>
  and(isNull(ownershipSpans.endedAt), departmentId ? eq(ownershipSpans.departmentId, departmentId) : undefined);

/** bomb.claimed: the actor becomes the assignee and the resolve clock starts. */
export function claimAsTest(ctx: Ctx, bombId: string, actor: Who) {
  return change(
    ctx,
    bombId,
    actor,
    'bomb.claimed',
    (now) => ({ status: 'claimed', assigneeId: actor.id, claimedAt: now }),
    {
      span: (tx, now, departmentId) =>
        tx
          .update(ownershipSpans)
          .set({ claimedAt: now })
          .where(and(eq(ownershipSpans.bombId, bombId), openSpan(departmentId))),
    },
  );
}

/** bomb.commented. */
export function commentAsTest(ctx: Ctx, bombId: string, actor: Who, body = 'Looking into it') {
  return change(ctx, bombId, actor, 'bomb.commented', () => ({}), { data: { body } });
}

/** bomb.declined or bomb.rerouted: a bounce to another department; the span ends, a new one starts. */
export async function bounceAsTest(
  ctx: Ctx,
  bombId: string,
  actor: Who,
  toDepartmentId: string,
  kind: 'declined' | 'rerouted' = 'declined',
) {
  const [current] = await ctx.deps.db
    .select({ bounces: bombs.bounces, category: bombs.category })
    .from(bombs)
    .where(eq(bombs.id, bombId));
  if (!current) throw new Error(`no bomb ${bombId}`);
  return change(
    ctx,
    bombId,
    actor,
    kind === 'declined' ? 'bomb.declined' : 'bomb.rerouted',
    () => ({
      status: 'open',
      assigneeId: null,
      departmentId: toDepartmentId,
      bounces: current.bounces + 1,
      claimedAt: null,
    }),
    {
      data: { reason: 'Not ours', departmentId: toDepartmentId },
      span: async (tx, now, departmentId) => {
        await tx
          .update(ownershipSpans)
          .set({ endedAt: now, endReason: kind })
          .where(and(eq(ownershipSpans.bombId, bombId), openSpan(departmentId)));
        await tx
          .insert(ownershipSpans)
          .values({ bombId, departmentId: toDepartmentId, category: current.category, routedAt: now });
      },
    },
  );
}

/** bomb.helper_joined by the helper themself. */
export function joinAsHelperTest(ctx: Ctx, bombId: string, actor: Who) {
  return change(
    ctx,
    bombId,
    actor,
    'bomb.helper_joined',
    () => ({ helperIds: sql`array_append(${bombs.helperIds}, ${actor.id}::uuid)` as unknown as string[] }),
    { data: { helperId: actor.id } },
  );
}

/** bomb.disputed: departments keep bouncing it; a PM decides. */
export function disputeAsTest(ctx: Ctx, bombId: string) {
  return change(ctx, bombId, null, 'bomb.disputed', () => ({ disputed: true }));
}

/** bomb.status_changed: waiting, resolved (with a root cause), closed or reopened. */
export function transitionAsTest(
  ctx: Ctx,
  bombId: string,
  actor: Who,
  to: 'waiting' | 'resolved' | 'closed' | 'open' | 'claimed',
  rootCause?: RootCause,
) {
  return change(
    ctx,
    bombId,
    actor,
    'bomb.status_changed',
    (now) => ({
      status: to,
      ...(to === 'resolved' && { resolvedAt: now, rootCause: rootCause ?? 'other' }),
      ...(to === 'closed' && { closedAt: now }),
    }),
    {
      data: { to },
      span:
        to === 'resolved'
          ? (tx, now, departmentId) =>
              tx
                .update(ownershipSpans)
                .set({ endedAt: now, endReason: 'resolved' })
                .where(and(eq(ownershipSpans.bombId, bombId), openSpan(departmentId)))
          : undefined,
    },
  );
}
