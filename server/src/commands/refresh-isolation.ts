import { bombActors, bombCarriers, bombs, events, people, personIsolationDue, projectorCursors } from '@defuse/drizzle';
import type { DefuseEvent, IsolationSettings } from '@defuse/shared';
import { asc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../db/types.ts';
import type { Deps } from '../deps.ts';
import { assessPerson, nextChangeAt } from '../domain/isolation.ts';
import { appendEvents, type NewEvent } from '../queries/events.ts';
import {
  getIsolationSettings,
  getStoredIsolation,
  loadPersonFacts,
  localizeReasons,
  storeIsolation,
} from '../queries/isolation.ts';

export const ISOLATION_CURSOR = 'isolation';
const EVENT_BATCH = 500;
const DUE_BATCH = 200;

/**
 * Recomputes one person from their carried bombs (indexed reads of those bombs only) and stores
 * it; returns the person.isolation_changed event to write when the state moved.
 */
export async function refreshPerson(
  tx: DbOrTx,
  personId: string,
  settings: IsolationSettings,
  now: Date,
): Promise<NewEvent | null> {
  const facts = await loadPersonFacts(tx, personId, now, settings);
  const result = assessPerson(facts, settings, now);
  const previous = await getStoredIsolation(tx, personId);
  const dueAt = facts.bombs.length > 0 ? nextChangeAt(facts, settings, now) : null;
  await storeIsolation(tx, personId, result, now, dueAt);
  const previousState = previous?.state ?? 'ok';
  if (previousState === result.state) return null;
  const [person] = await tx.select({ locale: people.locale }).from(people).where(eq(people.id, personId));
  return {
    type: 'person.isolation_changed',
    personId,
    actorId: null,
    at: now,
    data: {
      state: result.state,
      previousState,
      score: result.score,
      reasons: localizeReasons(result.reasons, person?.locale ?? 'ja'),
    },
  };
}

/** Events that are someone answering on a bomb. A buddy placed by a PM has not answered yet. */
function actionOf(e: typeof events.$inferSelect): { bombId: string; actorId: string } | null {
  if (!e.bombId || !e.actorId || !e.type.startsWith('bomb.')) return null;
  if (e.type === 'bomb.helper_joined' && e.data.via === 'buddy') return null;
  return { bombId: e.bombId, actorId: e.actorId };
}

const assigneeIn = (data: Record<string, unknown>): string | null => {
  const bomb = data.bomb;
  if (typeof bomb !== 'object' || bomb === null || !('assigneeId' in bomb)) return null;
  return typeof bomb.assigneeId === 'string' ? bomb.assigneeId : null;
};

/** Projects one batch of events: who acted on which bomb, which carriers changed; returns who to recompute. */
async function projectEvents(tx: Tx, after: number): Promise<{ lastSeq: number; touched: Set<string> }> {
  const batch = await tx.select().from(events).where(gt(events.seq, after)).orderBy(asc(events.seq)).limit(EVENT_BATCH);
  const touched = new Set<string>();
  const last = batch.at(-1);
  if (!last) return { lastSeq: after, touched };

  const acted = new Map<string, { bombId: string; actorId: string; lastAt: Date }>();
  const bombIds = new Set<string>();
  for (const e of batch) {
    if (e.bombId) bombIds.add(e.bombId);
    const assignee = assigneeIn(e.data);
    if (assignee) touched.add(assignee);
    const action = actionOf(e);
    if (!action) continue;
    const k = `${action.bombId}:${action.actorId}`;
    const prev = acted.get(k);
    if (!prev || e.at > prev.lastAt) acted.set(k, { ...action, lastAt: e.at });
  }
  if (acted.size > 0) {
    await tx
      .insert(bombActors)
      .values([...acted.values()])
      .onConflictDoUpdate({
        target: [bombActors.bombId, bombActors.actorId],
        set: { lastAt: sql`greatest(${bombActors.lastAt}, excluded.last_at)` },
      });
  }
  if (bombIds.size > 0) {
    const ids = [...bombIds];
    const current = await tx
      .select({ id: bombs.id, filedById: bombs.filedById, assigneeId: bombs.assigneeId })
      .from(bombs)
      .where(inArray(bombs.id, ids));
    const before = await tx.select().from(bombCarriers).where(inArray(bombCarriers.bombId, ids));
    for (const b of before) if (b.assigneeId) touched.add(b.assigneeId);
    for (const b of current) {
      touched.add(b.filedById);
      if (b.assigneeId) touched.add(b.assigneeId);
    }
    if (current.length > 0) {
      await tx
        .insert(bombCarriers)
        .values(current.map((b) => ({ bombId: b.id, assigneeId: b.assigneeId })))
        .onConflictDoUpdate({ target: bombCarriers.bombId, set: { assigneeId: sql`excluded.assignee_id` } });
    }
  }
  return { lastSeq: last.seq, touched };
}

/**
 * One isolation step, run by the scheduler on every instance: under the cursor row lock (SKIP
 * LOCKED, so one instance works and the others move on) it projects the events written since
 * the cursor, recomputes the people they touched, then the people whose time-driven change is
 * due. Everything, cursor included, commits together: each event is projected exactly once.
 */
export async function runIsolation(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
): Promise<{ events: number; refreshed: number; changed: DefuseEvent[] }> {
  const now = deps.clock.now();
  await deps.db
    .insert(projectorCursors)
    .values({ name: ISOLATION_CURSOR, lastSeq: 0, updatedAt: now })
    .onConflictDoNothing();
  const outcome = await deps.db.transaction(async (tx) => {
    const [cursor] = await tx
      .select({ lastSeq: projectorCursors.lastSeq })
      .from(projectorCursors)
      .where(eq(projectorCursors.name, ISOLATION_CURSOR))
      .for('update', { skipLocked: true });
    if (!cursor) return { events: 0, refreshed: 0, changed: [] };
    const settings = await getIsolationSettings(tx);
    const { lastSeq, touched } = await projectEvents(tx, cursor.lastSeq);
    const due = await tx
      .select({ personId: personIsolationDue.personId })
      .from(personIsolationDue)
      .where(lte(personIsolationDue.dueAt, now))
      .orderBy(asc(personIsolationDue.dueAt))
      .limit(DUE_BATCH);
    for (const d of due) touched.add(d.personId);
    const pending: NewEvent[] = [];
    for (const personId of [...touched].sort()) {
      const event = await refreshPerson(tx, personId, settings, now);
      if (event) pending.push(event);
    }
    if (lastSeq !== cursor.lastSeq) {
      await tx
        .update(projectorCursors)
        .set({ lastSeq, updatedAt: now })
        .where(eq(projectorCursors.name, ISOLATION_CURSOR));
    }
    const changed = await appendEvents(tx, pending);
    return { events: lastSeq - cursor.lastSeq, refreshed: touched.size, changed };
  });
  const last = outcome.changed.at(-1);
  if (last) deps.signal.committed(last.seq);
  return outcome;
}

/**
 * Runs steps until the log is projected and nothing is due, or `maxSteps` ran (the scheduler's
 * tick keeps a bound so a backlog is worked off over several ticks); tests call it to settle.
 */
export async function drainIsolation(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  maxSteps = 10_000,
): Promise<DefuseEvent[]> {
  const all: DefuseEvent[] = [];
  for (let i = 0; i < maxSteps; i++) {
    const step = await runIsolation(deps);
    all.push(...step.changed);
    if (step.events === 0 && step.refreshed === 0) break;
  }
  return all;
}
