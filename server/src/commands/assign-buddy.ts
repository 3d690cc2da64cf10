import { bombs, people } from '@defuse/drizzle';
import { and, eq, inArray, ne, or, sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { invalidField, notFound } from '../errors.ts';
import { toBomb } from '../queries/bomb-row.ts';
import { appendEvents, type NewEvent } from '../queries/events.ts';
import type { Viewer } from '../viewer.ts';
import { runChange } from './run-change.ts';

export interface BuddyResult {
  personId: string;
  buddyId: string;
  bombIds: string[];
}

/**
 * A PM pairs a buddy with a person: the buddy joins every bomb the person carries as a helper
 * (one bomb.helper_joined each, marked `via: buddy`) and is told with person.buddy_assigned.
 * Joining is not answering: silence ends when the buddy acts, not when the PM assigns.
 */
export async function assignBuddy(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  { viewer, personId, buddyId }: { viewer: Viewer; personId: string; buddyId: string },
): Promise<BuddyResult> {
  const now = deps.clock.now();
  if (personId === buddyId) throw invalidField('buddyId', 'A person cannot be their own buddy');
  return runChange(deps, async (tx) => {
    const found = await tx
      .select({ id: people.id, disabledAt: people.disabledAt })
      .from(people)
      .where(inArray(people.id, [personId, buddyId]));
    if (!found.some((p) => p.id === personId)) throw notFound('No such person');
    const buddy = found.find((p) => p.id === buddyId);
    if (!buddy || buddy.disabledAt) throw invalidField('buddyId', 'No such active person');
    const carried = or(
      and(eq(bombs.filedById, personId), ne(bombs.status, 'closed')),
      and(eq(bombs.assigneeId, personId), inArray(bombs.status, ['claimed', 'waiting'])),
    );
    const rows = await tx
      .update(bombs)
      .set({
        helperIds: sql`array_append(${bombs.helperIds}, ${buddyId}::uuid)`,
        version: sql`${bombs.version} + 1`,
        updatedAt: now,
      })
      .where(and(carried, sql`not (${buddyId}::uuid = any(${bombs.helperIds}))`))
      .returning();
    rows.sort((a, b) => a.number - b.number);
    const bombEvents: NewEvent[] = rows.map((row) => ({
      type: 'bomb.helper_joined',
      bombId: row.id,
      actorId: viewer.id,
      at: now,
      data: { bomb: toBomb(row), helperId: buddyId, via: 'buddy', forPersonId: personId },
    }));
    const bombIds = rows.map((r) => r.id);
    const events = await appendEvents(tx, [
      ...bombEvents,
      {
        type: 'person.buddy_assigned',
        personId: buddyId,
        actorId: viewer.id,
        at: now,
        data: { personId, buddyId, assignedById: viewer.id, bombIds },
      },
    ]);
    return { result: { personId, buddyId, bombIds }, events };
  });
}
