import { escalationJobs } from '@defuse/drizzle';
import type { EscalationReason } from '@defuse/shared';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import type { PlannedEscalation } from '../domain/escalation.ts';

/**
 * Promises escalation work for a deadline. A row cancelled earlier for the same deadline comes
 * back to life; a row that already fired stays fired, so no (bomb, deadline, tier) fires twice.
 */
export async function scheduleEscalations(db: DbOrTx, bombId: string, planned: PlannedEscalation[]): Promise<void> {
  if (planned.length === 0) return;
  await escalationsInsert(
    db,
    planned.map((p) => ({ bombId, ...p })),
  ).onConflictDoUpdate({
    target: [escalationJobs.bombId, escalationJobs.reason, escalationJobs.deadlineAt, escalationJobs.tier],
    set: { cancelledAt: null },
    setWhere: isNull(escalationJobs.firedAt),
  });
}

/** The plain insert of new bombs' rows, for a change that sends its writes in one statement (filing). */
export function escalationsInsert(db: DbOrTx, planned: (PlannedEscalation & { bombId: string })[]) {
  return db.insert(escalationJobs).values(planned);
}

/** Withdraws pending work for deadlines that no longer apply (claimed, paused, resolved, bounced). */
export async function cancelEscalations(
  db: DbOrTx,
  bombId: string,
  reasons: readonly EscalationReason[],
  now: Date,
): Promise<void> {
  if (reasons.length === 0) return;
  await db
    .update(escalationJobs)
    .set({ cancelledAt: now })
    .where(
      and(
        eq(escalationJobs.bombId, bombId),
        inArray(escalationJobs.reason, [...reasons]),
        sql`${escalationJobs.firedAt} is null and ${escalationJobs.cancelledAt} is null`,
      ),
    );
}
