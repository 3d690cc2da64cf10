import {
  bombActors,
  bombs,
  people,
  personDailyLoad,
  personIsolation,
  personIsolationDue,
  personIsolationReasons,
} from '@defuse/drizzle';
import {
  DEFAULT_ISOLATION_SETTINGS,
  type IsolationEntry,
  type IsolationReason,
  type IsolationSettings,
  IsolationSettingsSchema,
  type IsolationSignals,
  type IsolationState,
  type Locale,
} from '@defuse/shared';
import { and, desc, eq, inArray, lte, ne, or } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import type { CarriedBomb, PersonFacts, ReasonDraft } from '../domain/isolation.ts';
import { getSetting } from './settings.ts';

export const ISOLATION_SETTINGS_KEY = 'isolation';

export async function getIsolationSettings(db: DbOrTx): Promise<IsolationSettings> {
  const parsed = IsolationSettingsSchema.safeParse(await getSetting(db, ISOLATION_SETTINGS_KEY));
  return parsed.success ? parsed.data : DEFAULT_ISOLATION_SETTINGS;
}

/** `YYYY-MM-DD` of a moment, in UTC: history days are UTC days. */
export const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * What the maths needs about one person, from their carried bombs only: filed and not closed
 * (bombs_filed_by), claimed and not resolved (bombs_assignee), and who acted on those bombs.
 */
export async function loadPersonFacts(
  db: DbOrTx,
  personId: string,
  now: Date,
  settings: IsolationSettings,
): Promise<PersonFacts> {
  const rows = await db
    .select({
      id: bombs.id,
      key: bombs.key,
      severity: bombs.severity,
      status: bombs.status,
      filedById: bombs.filedById,
      assigneeId: bombs.assigneeId,
      createdAt: bombs.createdAt,
      claimedAt: bombs.claimedAt,
      claimDueAt: bombs.claimDueAt,
      bounces: bombs.bounces,
      disputed: bombs.disputed,
    })
    .from(bombs)
    .where(
      or(
        and(eq(bombs.filedById, personId), ne(bombs.status, 'closed')),
        and(eq(bombs.assigneeId, personId), inArray(bombs.status, ['claimed', 'waiting'])),
      ),
    );
  const actors =
    rows.length === 0
      ? []
      : await db
          .select()
          .from(bombActors)
          .where(
            inArray(
              bombActors.bombId,
              rows.map((r) => r.id),
            ),
          );
  const lastOther = new Map<string, Date>();
  const lastOwn = new Map<string, Date>();
  const others = new Map<string, Date>();
  for (const a of actors) {
    const target = a.actorId === personId ? lastOwn : lastOther;
    const prev = target.get(a.bombId);
    if (!prev || a.lastAt > prev) target.set(a.bombId, a.lastAt);
    if (a.actorId !== personId) {
      const seen = others.get(a.actorId);
      if (!seen || a.lastAt > seen) others.set(a.actorId, a.lastAt);
    }
  }
  const carried: CarriedBomb[] = rows.map((r) => {
    const asAssignee = r.assigneeId === personId && (r.status === 'claimed' || r.status === 'waiting');
    return {
      id: r.id,
      key: r.key,
      severity: r.severity,
      role: asAssignee ? 'assignee' : 'filer',
      claimed: r.status === 'claimed',
      unclaimed: r.status === 'open' && r.assigneeId === null,
      carryStartAt: asAssignee ? (r.claimedAt ?? r.createdAt) : r.createdAt,
      lastOtherAt: lastOther.get(r.id) ?? null,
      lastOwnAt: lastOwn.get(r.id) ?? null,
      claimDueAt: r.claimDueAt,
      bounces: r.bounces,
      disputed: r.disputed,
    };
  });
  const baselineDay = utcDay(new Date(now.getTime() - settings.trendWindowSeconds * 1000));
  const [before] = await db
    .select({ load: personDailyLoad.load })
    .from(personDailyLoad)
    .where(and(eq(personDailyLoad.personId, personId), lte(personDailyLoad.day, baselineDay)))
    .orderBy(desc(personDailyLoad.day))
    .limit(1);
  return {
    bombs: carried,
    others: [...others].map(([actorId, lastAt]) => ({ actorId, lastAt })),
    loadBefore: before?.load ?? null,
  };
}

/**
 * The dashboard names fewer bombs per reason than a person's page (it lists thousands of
 * people): person_isolation keeps this many, person_isolation_reasons all of them.
 */
export const LIST_REASON_BOMBS = 5;

export interface StoredIsolation {
  state: IsolationState;
  score: number;
  signals: IsolationSignals;
  reasons: ReasonDraft[];
  updatedAt: Date;
}

export async function getStoredIsolation(db: DbOrTx, personId: string): Promise<StoredIsolation | undefined> {
  const [row] = await db.select().from(personIsolation).where(eq(personIsolation.personId, personId));
  return row ? fromRow(row) : undefined;
}

function fromRow(row: typeof personIsolation.$inferSelect): StoredIsolation {
  return {
    state: row.state,
    score: row.score,
    signals: row.signals as IsolationSignals,
    reasons: row.reasons as ReasonDraft[],
    updatedAt: row.updatedAt,
  };
}

/** Stores the current assessment, today's history row and when time alone may next change it. */
export async function storeIsolation(
  db: DbOrTx,
  personId: string,
  value: Omit<StoredIsolation, 'updatedAt'>,
  now: Date,
  dueAt: Date | null,
): Promise<void> {
  const listed = value.reasons.map((r) => ({ ...r, bombIds: r.bombIds.slice(0, LIST_REASON_BOMBS) }));
  const row = { state: value.state, score: value.score, signals: value.signals, reasons: listed, updatedAt: now };
  await db
    .insert(personIsolation)
    .values({ personId, ...row })
    .onConflictDoUpdate({ target: personIsolation.personId, set: row });
  await db
    .insert(personIsolationReasons)
    .values({ personId, reasons: value.reasons })
    .onConflictDoUpdate({ target: personIsolationReasons.personId, set: { reasons: value.reasons } });
  const daily = { load: value.signals.load, soloCarrySeconds: value.signals.soloCarrySeconds, state: value.state };
  await db
    .insert(personDailyLoad)
    .values({ personId, day: utcDay(now), ...daily })
    .onConflictDoUpdate({ target: [personDailyLoad.personId, personDailyLoad.day], set: daily });
  if (dueAt) {
    await db
      .insert(personIsolationDue)
      .values({ personId, dueAt })
      .onConflictDoUpdate({ target: personIsolationDue.personId, set: { dueAt } });
  } else {
    await db.delete(personIsolationDue).where(eq(personIsolationDue.personId, personId));
  }
}

export function localizeReasons(reasons: ReasonDraft[], locale: Locale): IsolationReason[] {
  return reasons.map((r) => ({
    code: r.code,
    message: r.messages[locale],
    messages: r.messages,
    bombIds: r.bombIds,
    bombCount: r.bombCount ?? r.bombIds.length,
  }));
}

/**
 * Solo-carry and waiting grow with the clock between recomputations; bring them up to `now`
 * (exact while no event arrives: events trigger a recomputation).
 */
export function signalsAt(stored: Pick<StoredIsolation, 'signals' | 'updatedAt'>, now: Date): IsolationSignals {
  const s = stored.signals;
  const dt = Math.max(0, (now.getTime() - stored.updatedAt.getTime()) / 1000);
  if (s.openBombs === 0 || dt === 0) return s;
  const unclaimed = s.unclaimedBombs ?? 0;
  return {
    ...s,
    soloCarrySeconds: s.soloCarrySeconds + s.openBombs * dt,
    maxSoloCarrySeconds: s.maxSoloCarrySeconds + dt,
    maxWaitingSeconds: unclaimed > 0 ? s.maxWaitingSeconds + dt : s.maxWaitingSeconds,
  };
}

export type EntryRow = typeof personIsolation.$inferSelect & { name: string; role: IsolationEntry['role'] };

export function toEntry(row: EntryRow, locale: Locale, now: Date, fullReasons?: unknown): IsolationEntry {
  const stored = fromRow(fullReasons ? { ...row, reasons: fullReasons } : row);
  return {
    personId: row.personId,
    name: row.name,
    role: row.role,
    state: stored.state,
    score: stored.score,
    signals: signalsAt(stored, now),
    reasons: localizeReasons(stored.reasons, locale),
    updatedAt: stored.updatedAt.toISOString(),
  };
}

export const entryColumns = {
  personId: personIsolation.personId,
  state: personIsolation.state,
  score: personIsolation.score,
  signals: personIsolation.signals,
  reasons: personIsolation.reasons,
  updatedAt: personIsolation.updatedAt,
  name: people.name,
  role: people.role,
};
