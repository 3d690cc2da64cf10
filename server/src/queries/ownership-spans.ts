import { ownershipSpans } from '@defuse/drizzle';
import type { Category } from '@defuse/shared';
import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';

export type SpanEnd = 'declined' | 'rerouted' | 'resolved';

export type NewSpan = { bombId: string; departmentId: string; category: Category; at: Date; claimedAt?: Date | null };

export async function openSpan(db: DbOrTx, span: NewSpan): Promise<void> {
  await spansInsert(db, [span]);
}

/** The insert that opens spans, for a change that sends its writes in one statement (filing). */
export function spansInsert(db: DbOrTx, spans: NewSpan[]) {
  return db.insert(ownershipSpans).values(
    spans.map((span) => ({
      bombId: span.bombId,
      departmentId: span.departmentId,
      category: span.category,
      routedAt: span.at,
      claimedAt: span.claimedAt ?? null,
    })),
  );
}

const current = (bombId: string) => and(eq(ownershipSpans.bombId, bombId), isNull(ownershipSpans.endedAt));

export async function markSpanClaimed(db: DbOrTx, bombId: string, at: Date): Promise<void> {
  await db
    .update(ownershipSpans)
    .set({ claimedAt: at })
    .where(and(current(bombId), isNull(ownershipSpans.claimedAt)));
}

export async function addPausedSeconds(db: DbOrTx, bombId: string, seconds: number): Promise<void> {
  if (seconds <= 0) return;
  await db
    .update(ownershipSpans)
    .set({ pausedSeconds: sql`${ownershipSpans.pausedSeconds} + ${Math.round(seconds)}` })
    .where(current(bombId));
}

export async function endSpan(db: DbOrTx, bombId: string, at: Date, reason: SpanEnd): Promise<void> {
  await db.update(ownershipSpans).set({ endedAt: at, endReason: reason }).where(current(bombId));
}

/** Departments that passed this bomb on: coming back to one of them is a cycle. */
export async function departmentsThatPassedOn(db: DbOrTx, bombId: string): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ id: ownershipSpans.departmentId })
    .from(ownershipSpans)
    .where(
      and(
        eq(ownershipSpans.bombId, bombId),
        isNotNull(ownershipSpans.endedAt),
        inArray(ownershipSpans.endReason, ['declined', 'rerouted']),
      ),
    );
  return new Set(rows.map((r) => r.id));
}
