import { events, people } from '@defuse/drizzle';
import type {
  AdminEvent,
  AdminEventType,
  AuditDepartment,
  AuditPerson,
  Department,
  Locale,
  Person,
} from '@defuse/shared';
import { and, asc, gt, inArray, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import { toCsv } from '../domain/csv.ts';
import type { Viewer } from '../viewer.ts';
import { appendEvents, type NewEvent, toEvent } from './events.ts';

type AdminChange = { [T in AdminEventType]: Pick<NewEvent<T>, 'type' | 'data'> }[AdminEventType];

/**
 * Writes the audit record of an admin change, in the change's own transaction (so a change that
 * fails leaves none). Admin events are about no bomb and no person's stream: admins alone see them.
 */
export async function appendAdminEvent(tx: DbOrTx, actor: Viewer, at: Date, change: AdminChange) {
  return appendEvents(tx, [{ ...change, actorId: actor.id, at } as NewEvent<AdminEventType>]);
}

export const toAuditPerson = ({ id: _, ...person }: Person): AuditPerson => person;

export function toAuditDepartment({ id: _, webhookUrl, ...department }: Department): AuditDepartment {
  return { ...department, webhookOrigin: webhookUrl ? new URL(webhookUrl).origin : null };
}

/**
 * admin.* events after `after`, up to the settled seq, in seq order. `lastSeq` is where the next
 * page starts: the last audit event read, or the settled seq when the page was short.
 */
export async function listAuditAfter(
  db: DbOrTx,
  after: number,
  limit: number,
  upTo: number,
): Promise<{ events: AdminEvent[]; lastSeq: number }> {
  const rows = await db
    .select()
    .from(events)
    // A literal, not a parameter: the planner then sees the partial index events_admin applies.
    .where(and(gt(events.seq, after), lte(events.seq, upTo), sql`${events.type} like 'admin.%'`))
    .orderBy(asc(events.seq))
    .limit(limit);
  const list = rows.map((r) => toEvent(r) as AdminEvent);
  const last = list.at(-1)?.seq;
  return { events: list, lastSeq: list.length === limit && last !== undefined ? last : Math.max(after, upTo) };
}

const CSV_PAGE = 1000;
/** The export stops here; `after` pages past it. */
const CSV_MAX = 100_000;

const CSV_HEADERS: Record<Locale, string[]> = {
  ja: ['番号', '日時', '実行者', '実行者メール', '種類', '対象', '変更した項目', '内容'],
  en: ['seq', 'at', 'actor', 'actor email', 'type', 'subject', 'changed', 'details'],
};

/** The id an admin event is about, if it is about one thing. */
function subjectOf(event: AdminEvent): string {
  const data: Record<string, unknown> = event.data;
  for (const key of ['personId', 'departmentId', 'productId', 'tokenId']) {
    const value = data[key];
    if (typeof value === 'string') return value;
  }
  return '';
}

/** The audit trail after `after` as CSV (toCsv: BOM, CRLF, formula cells escaped), headers in `locale`. */
export async function auditCsv(db: DbOrTx, after: number, upTo: number, locale: Locale): Promise<string> {
  const list: AdminEvent[] = [];
  let cursor = after;
  while (list.length < CSV_MAX) {
    const page = await listAuditAfter(db, cursor, CSV_PAGE, upTo);
    list.push(...page.events);
    if (page.events.length < CSV_PAGE) break;
    cursor = page.lastSeq;
  }
  const actorIds = [...new Set(list.flatMap((e) => (e.actorId ? [e.actorId] : [])))];
  const actors =
    actorIds.length === 0
      ? []
      : await db
          .select({ id: people.id, name: people.name, email: people.email })
          .from(people)
          .where(inArray(people.id, actorIds));
  const byId = new Map(actors.map((a) => [a.id, a]));
  const rows = list.map((e) => {
    const actor = e.actorId ? byId.get(e.actorId) : undefined;
    const changed = 'changed' in e.data ? e.data.changed.join(' ') : '';
    return [e.seq, e.at, actor?.name ?? '', actor?.email ?? '', e.type, subjectOf(e), changed, JSON.stringify(e.data)];
  });
  return toCsv([CSV_HEADERS[locale], ...rows]);
}
