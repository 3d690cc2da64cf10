import { notificationDeliveries, notifications, projectorCursors } from '@defuse/drizzle';
import type { NotificationPreferences } from '@defuse/shared';
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/types.ts';
import type { Deps } from '../deps.ts';
import { textIn } from '../domain/event-fields.ts';
import { canSeeEvent } from '../domain/event-visibility.ts';
import { hasNoticeRule, type Notice, type NotifyEvent, noticesFor } from '../domain/notify-recipients.ts';
import { nextDigestAt, sendAt } from '../domain/notify-schedule.ts';
import { type EventWithAudience, listEventsWithAudience } from '../queries/events.ts';
import { loadDirectory, loadNotifyBombs, loadPreferences, loadRecipients } from '../queries/notify-facts.ts';
import { SettledSeq } from '../queries/settled-seq.ts';

export const NOTIFY_CURSOR = 'notifications';
/** Events per turn: a backlog is worked off over several scheduler ticks, never in one long transaction. */
const EVENT_BATCH = 200;

export interface NotifyChannels {
  /** E-mail is only queued while an SMTP server is configured. */
  email: boolean;
}

/** One SettledSeq per database handle: its checkpoints live across turns. */
const settledSeqs = new WeakMap<Db, SettledSeq>();
const settledOf = (db: Db) => {
  let s = settledSeqs.get(db);
  if (!s) {
    s = new SettledSeq(db);
    settledSeqs.set(db, s);
  }
  return s;
};

const toNotifyEvent = ({ event }: EventWithAudience): NotifyEvent => ({
  seq: event.seq,
  type: event.type,
  bombId: event.bombId,
  personId: event.personId,
  actorId: event.actorId,
  data: event.data,
});

/** Who hears about each event of the batch, with the people read once for the whole batch. */
async function planBatch(tx: Tx, rows: EventWithAudience[]) {
  const relevant = rows.filter((r) => hasNoticeRule(r.event.type));
  const bombIds = [...new Set(relevant.flatMap((r) => (r.event.bombId ? [r.event.bombId] : [])))];
  const departmentIds = new Set<string>();
  for (const r of relevant) {
    for (const d of [
      r.audience.bomb?.departmentId,
      textIn(r.event.data, 'toDepartmentId'),
      textIn(r.event.data, 'departmentId'),
    ])
      if (d) departmentIds.add(d);
  }
  const bombsById = await loadNotifyBombs(tx, bombIds);
  const dir = await loadDirectory(tx, [...departmentIds]);
  const bombOf = (r: EventWithAudience) => (r.event.bombId ? (bombsById.get(r.event.bombId) ?? null) : null);
  // First pass names everyone a rule would; their roles and departments decide what they may see.
  const named = new Set(
    relevant.flatMap((r) => noticesFor(toNotifyEvent(r), bombOf(r), dir, () => true)).map((n) => n.personId),
  );
  const viewers = await loadRecipients(tx, [...named]);
  return relevant.flatMap((r) => {
    const canSee = (personId: string) => {
      const viewer = viewers.get(personId);
      return viewer !== undefined && canSeeEvent(viewer, r.audience);
    };
    return noticesFor(toNotifyEvent(r), bombOf(r), dir, canSee).map((n) => ({ ...n, event: r.event }));
  });
}

/** Where a notice goes besides the inbox: e-mail now (after quiet hours), into a digest, or nowhere. */
function outbound(notice: Notice, prefs: NotificationPreferences, now: Date): { channel: string; at: Date } | null {
  if (prefs.email.kinds.includes(notice.kind)) return { channel: 'email', at: sendAt(now, prefs.quietHours) };
  if (prefs.email.digest === 'off') return null;
  const at = nextDigestAt(now, prefs.email.digest, prefs.quietHours?.timeZone ?? 'UTC');
  return { channel: 'digest', at: sendAt(at, prefs.quietHours) };
}

/**
 * One turn of the notification projector, on every instance: under the cursor row lock (SKIP
 * LOCKED: one instance works, the others move on) it reads the events after the cursor up to
 * the settled seq (so one committed late below it is never skipped), writes inbox rows and
 * delivery rows, and moves the cursor, all in one transaction: each event is projected once.
 * Returns the people with new inbox rows, to be told on their live sockets.
 */
export async function runNotifications(
  deps: Pick<Deps, 'db' | 'clock'>,
  channels: NotifyChannels,
): Promise<{ events: number; personIds: string[] }> {
  const now = deps.clock.now();
  // Waits (briefly) for the transactions running now, so a turn sees what committed before it.
  const upTo = await settledOf(deps.db).settle(1000);
  await deps.db
    .insert(projectorCursors)
    .values({ name: NOTIFY_CURSOR, lastSeq: 0, updatedAt: now })
    .onConflictDoNothing();
  return deps.db.transaction(async (tx) => {
    const [cursor] = await tx
      .select({ lastSeq: projectorCursors.lastSeq })
      .from(projectorCursors)
      .where(eq(projectorCursors.name, NOTIFY_CURSOR))
      .for('update', { skipLocked: true });
    if (!cursor || cursor.lastSeq >= upTo) return { events: 0, personIds: [] };
    const rows = await listEventsWithAudience(tx, cursor.lastSeq, EVENT_BATCH, upTo);
    // Every seq up to upTo is settled: the ones not read were rolled back and never come.
    const lastSeq = rows.length === EVENT_BATCH ? (rows.at(-1)?.event.seq ?? upTo) : upTo;
    const planned = await planBatch(tx, rows);
    const inserted =
      planned.length === 0
        ? []
        : await tx
            .insert(notifications)
            .values(
              planned.map((n) => ({
                personId: n.personId,
                eventSeq: n.event.seq,
                kind: n.kind,
                bombId: n.event.bombId,
                params: n.params,
                at: new Date(n.event.at),
              })),
            )
            .onConflictDoNothing()
            .returning({ id: notifications.id, personId: notifications.personId, eventSeq: notifications.eventSeq });
    if (channels.email && inserted.length > 0) {
      const prefs = await loadPreferences(tx, [...new Set(inserted.map((i) => i.personId))]);
      const byKey = new Map(planned.map((n) => [`${n.event.seq}:${n.personId}`, n]));
      const deliveries = inserted.flatMap((row) => {
        const notice = byKey.get(`${row.eventSeq}:${row.personId}`);
        const pref = prefs.get(row.personId);
        const out = notice && pref ? outbound(notice, pref, now) : null;
        return out
          ? [
              {
                notificationId: row.id,
                eventSeq: row.eventSeq,
                personId: row.personId,
                channel: out.channel,
                nextAttemptAt: out.at,
                createdAt: now,
              },
            ]
          : [];
      });
      if (deliveries.length > 0) await tx.insert(notificationDeliveries).values(deliveries).onConflictDoNothing();
    }
    await tx.update(projectorCursors).set({ lastSeq, updatedAt: now }).where(eq(projectorCursors.name, NOTIFY_CURSOR));
    return { events: rows.length, personIds: [...new Set(inserted.map((i) => i.personId))] };
  });
}

/** Runs turns until the log is projected or `maxTurns` ran; tests call it to settle. */
export async function drainNotifications(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  channels: NotifyChannels,
  maxTurns = 50,
): Promise<string[]> {
  const told = new Set<string>();
  for (let i = 0; i < maxTurns; i++) {
    const turn = await runNotifications(deps, channels);
    for (const id of turn.personIds) told.add(id);
    if (turn.personIds.length > 0) deps.signal.notified?.(turn.personIds);
    if (turn.events === 0) break;
  }
  return [...told];
}
