import { departmentMembers, people, personDailyLoad, personIsolation, personIsolationReasons } from '@defuse/drizzle';
import type {
  IsolationEntry,
  IsolationPersonResponse,
  IsolationQuery,
  IsolationReason,
  IsolationSignals,
  IsolationState,
  Locale,
} from '@defuse/shared';
import { and, asc, desc, eq, gt, inArray, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../db/types.ts';
import { forbidden, notFound } from '../errors.ts';
import { isManager, type Viewer } from '../viewer.ts';
import { bombKeysOf, keysOf } from './bomb-keys.ts';
import { cursorId, decodeCursor, encodeCursor } from './cursor.ts';
import { entryColumns, localizeReasons, signalsAt, toEntry, utcDay } from './isolation.ts';

export const HISTORY_DAYS = 30;

/** Whose entries a viewer may read: pms and admins everyone, a lead its departments' people, anyone themself. */
async function mayRead(db: DbOrTx, viewer: Viewer, personId: string): Promise<boolean> {
  if (isManager(viewer) || viewer.id === personId) return true;
  if (viewer.role !== 'lead' || viewer.leadDepartmentIds.length === 0) return false;
  const [row] = await db
    .select({ personId: departmentMembers.personId })
    .from(departmentMembers)
    .where(
      and(eq(departmentMembers.personId, personId), inArray(departmentMembers.departmentId, viewer.leadDepartmentIds)),
    )
    .limit(1);
  return row !== undefined;
}

/**
 * The stored list reasons in the viewer's language only, shaped in the database: a page of the
 * dashboard then parses and sends half as much as with both languages (`messages` is on a
 * person's page, which names all the bombs too).
 */
const listReasons = (locale: Locale) => sql<IsolationReason[]>`(
  select coalesce(jsonb_agg(jsonb_build_object(
    'code', r -> 'code',
    'message', r -> 'messages' -> ${locale}::text,
    'bombIds', r -> 'bombIds',
    'bombCount', coalesce(r -> 'bombCount', to_jsonb(jsonb_array_length(r -> 'bombIds')))
  ) order by i), '[]'::jsonb)
  from jsonb_array_elements(${personIsolation.reasons}) with ordinality as t(r, i))`;

const UNNAMED: Record<Locale, string> = { ja: '非公開', en: 'restricted' };

/** The text with each of `keys` (whole keys: SHIP-3, not inside SHIP-30) replaced by `by`. */
const unname = (text: string, keys: string[], by: string) =>
  keys.reduce((t, key) => t.replace(new RegExp(`\\b${key.replace(/[^A-Za-z0-9]/g, '\\$&')}\\b`, 'g'), by), text);

/**
 * Reasons are stored per person, for every reader at once: a lead reading a person's entry must
 * not learn which restricted bombs (routed to another department) are behind it. Their ids leave
 * `bombIds` and their keys leave the messages; the person's load and counts stay, since they are
 * what the lead is there to see.
 */
function unnameUnreadable<T extends { reasons: IsolationReason[] }>(
  viewer: Viewer,
  entries: T[],
  hidden: Map<string, string>,
): T[] {
  if (isManager(viewer) || hidden.size === 0) return entries;
  return entries.map((e) => ({
    ...e,
    reasons: e.reasons.map((r) => {
      const keys = r.bombIds.flatMap((id) => hidden.get(id) ?? []);
      if (keys.length === 0) return r;
      return {
        ...r,
        bombIds: r.bombIds.filter((id) => !hidden.has(id)),
        message: unname(r.message, keys, UNNAMED[viewer.locale]),
        ...(r.messages && {
          messages: { ja: unname(r.messages.ja, keys, UNNAMED.ja), en: unname(r.messages.en, keys, UNNAMED.en) },
        }),
      };
    }),
  }));
}

const withKeys = (reasons: IsolationReason[], keys: Map<string, string>): IsolationReason[] =>
  reasons.map((r) => ({ ...r, bombKeys: keysOf(r.bombIds, keys) }));

/** The last entry's (score, person). */
const IsolationCursorSchema = z.tuple([z.number(), cursorId]);

/**
 * The dashboard: stored entries, highest score first, a page at a time. One range of
 * person_isolation_rank (one row per person), never bombs or events; the cursor is the last
 * entry's (score, person), so a page costs the same wherever it starts.
 */
export async function listIsolation(
  db: DbOrTx,
  viewer: Viewer,
  query: IsolationQuery,
  now: Date,
): Promise<{ people: IsolationEntry[]; nextCursor: string | null }> {
  const where: (SQL | undefined)[] = [query.state ? eq(personIsolation.state, query.state) : undefined];
  if (!isManager(viewer)) {
    if (viewer.role !== 'lead') throw forbidden('Only pms, admins and leads see the isolation board');
    if (viewer.leadDepartmentIds.length === 0) return { people: [], nextCursor: null };
    const members = db
      .select({ id: departmentMembers.personId })
      .from(departmentMembers)
      .where(inArray(departmentMembers.departmentId, viewer.leadDepartmentIds));
    where.push(inArray(personIsolation.personId, members));
  }
  if (query.cursor) {
    const [score, id] = decodeCursor(query.cursor, IsolationCursorSchema);
    // Descending score, ascending id: `score <= s` bounds the index range, the rest skips the ties already sent.
    where.push(
      lte(personIsolation.score, score),
      or(lt(personIsolation.score, score), gt(personIsolation.personId, id)),
    );
  }
  const rows = await db
    .select({ ...entryColumns, reasons: listReasons(viewer.locale) })
    .from(personIsolation)
    .innerJoin(people, eq(people.id, personIsolation.personId))
    .where(and(...where))
    .orderBy(desc(personIsolation.score), asc(personIsolation.personId))
    .limit(query.limit + 1);
  const shown = rows.slice(0, query.limit);
  const { readable: keys, hidden } = await bombKeysOf(
    db,
    viewer,
    shown.flatMap((r) => r.reasons.flatMap((reason) => reason.bombIds)),
  );
  const page = unnameUnreadable(viewer, shown, hidden);
  const last = page.at(-1);
  return {
    people: page.map((r) => ({
      personId: r.personId,
      name: r.name,
      role: r.role,
      state: r.state,
      score: r.score,
      signals: signalsAt({ signals: r.signals as IsolationSignals, updatedAt: r.updatedAt }, now),
      reasons: withKeys(r.reasons, keys),
      updatedAt: r.updatedAt.toISOString(),
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.score, last.personId]) : null,
  };
}

/** Daily rows carried forward over days with no change, oldest first, ending today. */
export function fillHistory(
  rows: { day: string; load: number; soloCarrySeconds: number; state: IsolationState }[],
  now: Date,
  days = HISTORY_DAYS,
): IsolationPersonResponse['history'] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const sorted = [...rows].sort((a, b) => a.day.localeCompare(b.day));
  const out: IsolationPersonResponse['history'] = [];
  let carry: { load: number; soloCarrySeconds: number; state: IsolationState } = {
    load: 0,
    soloCarrySeconds: 0,
    state: 'ok',
  };
  const first = utcDay(new Date(now.getTime() - (days - 1) * 86_400_000));
  for (const r of sorted) if (r.day < first) carry = r;
  for (let i = days - 1; i >= 0; i--) {
    const day = utcDay(new Date(now.getTime() - i * 86_400_000));
    const row = byDay.get(day);
    if (row) carry = row;
    out.push({ day, load: carry.load, soloCarrySeconds: carry.soloCarrySeconds, state: carry.state });
  }
  return out;
}

export async function getPersonIsolation(
  db: DbOrTx,
  viewer: Viewer,
  personId: string,
  now: Date,
): Promise<IsolationPersonResponse> {
  if (!(await mayRead(db, viewer, personId))) throw forbidden('You may read your own isolation signals only');
  const [person] = await db
    .select({ id: people.id, name: people.name, role: people.role })
    .from(people)
    .where(eq(people.id, personId));
  if (!person) throw notFound('No such person');
  const [row] = await db
    .select({ ...entryColumns, fullReasons: personIsolationReasons.reasons })
    .from(personIsolation)
    .innerJoin(people, eq(people.id, personIsolation.personId))
    .leftJoin(personIsolationReasons, eq(personIsolationReasons.personId, personIsolation.personId))
    .where(eq(personIsolation.personId, personId));
  const stored: IsolationEntry = row
    ? toEntry(row, viewer.locale, now, row.fullReasons)
    : {
        personId,
        name: person.name,
        role: person.role,
        state: 'ok',
        score: 0,
        signals: emptySignals(),
        reasons: localizeReasons([], viewer.locale),
        updatedAt: now.toISOString(),
      };
  const { readable: keys, hidden } = await bombKeysOf(
    db,
    viewer,
    stored.reasons.flatMap((r) => r.bombIds),
  );
  const [unnamed = stored] = unnameUnreadable(viewer, [stored], hidden);
  const entry = { ...unnamed, reasons: withKeys(unnamed.reasons, keys) };
  const firstDay = utcDay(new Date(now.getTime() - (HISTORY_DAYS - 1) * 86_400_000));
  const recent = await db
    .select({
      day: personDailyLoad.day,
      load: personDailyLoad.load,
      soloCarrySeconds: personDailyLoad.soloCarrySeconds,
      state: personDailyLoad.state,
    })
    .from(personDailyLoad)
    .where(and(eq(personDailyLoad.personId, personId), gt(personDailyLoad.day, firstDay)));
  const [before] = await db
    .select({
      day: personDailyLoad.day,
      load: personDailyLoad.load,
      soloCarrySeconds: personDailyLoad.soloCarrySeconds,
      state: personDailyLoad.state,
    })
    .from(personDailyLoad)
    .where(and(eq(personDailyLoad.personId, personId), lte(personDailyLoad.day, firstDay)))
    .orderBy(desc(personDailyLoad.day))
    .limit(1);
  return { ...entry, generatedAt: now.toISOString(), history: fillHistory(before ? [before, ...recent] : recent, now) };
}

function emptySignals(): IsolationEntry['signals'] {
  return {
    load: 0,
    openBombs: 0,
    maxWaitingSeconds: 0,
    overdueBombs: 0,
    silentBombs: 0,
    soloCarrySeconds: 0,
    maxSoloCarrySeconds: 0,
    bounces: 0,
    disputedBombs: 0,
    breadth: 0,
    trend: 0,
    claimedIdleBombs: 0,
  };
}
