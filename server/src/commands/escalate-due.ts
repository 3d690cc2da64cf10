import { bombs, escalationJobs } from '@defuse/drizzle';
import type { EscalationReason, TierTarget } from '@defuse/shared';
import { and, asc, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db/types.ts';
import type { Deps } from '../deps.ts';
import { escalationText } from '../domain/notifications.ts';
import { type BombRow, toBomb } from '../queries/bomb-row.ts';
import { appendEvents } from '../queries/events.ts';
import { enqueueWebhooks } from '../queries/webhooks.ts';
import { runChange } from './run-change.ts';

type Job = typeof escalationJobs.$inferSelect;

/** A row still stands only while its deadline is the bomb's live one (a defence behind cancellation). */
function stillDue(job: Job, bomb: BombRow): boolean {
  const at = job.deadlineAt.getTime();
  switch (job.reason as EscalationReason) {
    case 'claim_overdue':
      return bomb.status === 'open' && bomb.claimDueAt?.getTime() === at;
    case 'resolve_overdue':
      return bomb.status === 'claimed' && !bomb.pausedAt && bomb.resolveDueAt?.getTime() === at;
    case 'claimed_idle':
      return bomb.status === 'claimed';
    default:
      return false;
  }
}

/**
 * One batch of due escalations in one transaction. Rows (and their bombs) are taken FOR UPDATE
 * SKIP LOCKED, so concurrent instances split the work and none waits on another; the fired mark
 * commits with the event, so a crash before commit leaves the row due and nothing half-done.
 * The partial index on due_at makes the cost follow the number of due rows, not stored ones.
 */
async function escalateBatch(deps: Pick<Deps, 'db' | 'clock' | 'signal'>, limit: number): Promise<number> {
  const now = deps.clock.now();
  return runChange(deps, async (tx) => {
    const picked = await tx
      .select({ job: escalationJobs, bomb: bombs })
      .from(escalationJobs)
      .innerJoin(bombs, sql`${bombs.id} = ${escalationJobs.bombId}`)
      .where(and(isNull(escalationJobs.firedAt), isNull(escalationJobs.cancelledAt), lte(escalationJobs.dueAt, now)))
      .orderBy(asc(escalationJobs.dueAt))
      .limit(limit)
      .for('update', { of: [escalationJobs, bombs], skipLocked: true });
    if (picked.length === 0) return { result: 0, events: [] };

    const firing = picked.filter((p) => stillDue(p.job, p.bomb));
    const stale = picked.filter((p) => !stillDue(p.job, p.bomb)).map((p) => p.job.id);
    if (stale.length > 0) {
      await tx.update(escalationJobs).set({ cancelledAt: now }).where(inArray(escalationJobs.id, stale));
    }
    if (firing.length === 0) return { result: picked.length, events: [] };
    await tx
      .update(escalationJobs)
      .set({ firedAt: now })
      .where(
        inArray(
          escalationJobs.id,
          firing.map((p) => p.job.id),
        ),
      );
    const after = await raiseTiers(tx, firing, now);
    const list = firing.map(({ job }) => {
      const bomb = after.get(job.bombId);
      if (!bomb) throw new Error('escalated bomb vanished');
      return { job, bomb };
    });
    const events = await appendEvents(
      tx,
      list.map(({ job, bomb }) => ({
        type: 'bomb.escalated' as const,
        bombId: bomb.id,
        actorId: null,
        at: now,
        data: {
          tier: job.tier,
          target: job.target as TierTarget,
          reason: job.reason as EscalationReason,
          deadlineAt: job.deadlineAt.toISOString(),
          dueAt: job.dueAt.toISOString(),
          bomb: toBomb(bomb),
        },
      })),
    );
    await enqueueWebhooks(
      tx,
      list.flatMap(({ job, bomb }, i) => {
        const seq = events[i]?.seq;
        if (seq === undefined) return [];
        const text = escalationText(bomb, {
          tier: job.tier,
          target: job.target as TierTarget,
          reason: job.reason as EscalationReason,
        });
        return [{ departmentId: bomb.departmentId, eventSeq: seq, text }];
      }),
      now,
    );
    return { result: picked.length, events };
  });
}

/** Each bomb climbs to the highest tier firing for it; one UPDATE per distinct tier, not per bomb. */
async function raiseTiers(tx: Tx, firing: { job: Job }[], now: Date): Promise<Map<string, BombRow>> {
  const top = new Map<string, number>();
  for (const { job } of firing) top.set(job.bombId, Math.max(top.get(job.bombId) ?? 0, job.tier));
  const byTier = new Map<number, string[]>();
  for (const [bombId, tier] of top) byTier.set(tier, [...(byTier.get(tier) ?? []), bombId]);
  const after = new Map<string, BombRow>();
  for (const [tier, ids] of byTier) {
    const rows = await tx
      .update(bombs)
      .set({
        tier: sql`greatest(${bombs.tier}, ${tier})`,
        version: sql`${bombs.version} + 1`,
        updatedAt: now,
      })
      .where(inArray(bombs.id, ids))
      .returning();
    for (const row of rows) after.set(row.id, row);
  }
  return after;
}

/**
 * Fires every escalation due at `deps.clock.now()`, batch by batch, exactly once across any
 * number of instances. Returns how many rows it took (fired or found stale).
 */
export async function escalateDue(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  { batchSize = 500, maxBatches = Number.POSITIVE_INFINITY }: { batchSize?: number; maxBatches?: number } = {},
): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await escalateBatch(deps, batchSize);
    total += n;
    if (n < batchSize) break;
  }
  return total;
}
