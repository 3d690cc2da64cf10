import type { NotificationKind, TierTarget } from '@defuse/shared';
import { booleanIn, numberIn, textIn } from './event-fields.ts';

/** The part of an event that decides who hears about it. */
export interface NotifyEvent {
  seq: number;
  type: string;
  bombId: string | null;
  personId: string | null;
  actorId: string | null;
  data: Record<string, unknown>;
}

/** The bomb an event is about, as it stands when the notice is written. */
export interface NotifyBomb {
  key: string;
  title: string;
  filedById: string;
  assigneeId: string | null;
  helperIds: string[];
  departmentId: string | null;
  /** The product's PM, who hears a tier aimed at `pm`; null: every PM does. */
  productPmId: string | null;
}

/** Who is where: the people the rules below may name. */
export interface NotifyDirectory {
  members(departmentId: string): string[];
  leads(departmentId: string): string[];
  pms: string[];
  admins: string[];
}

export interface Notice {
  personId: string;
  kind: NotificationKind;
  /** What the text needs, stored so each reader sees it in their own language. */
  params: Record<string, string | number | null>;
}

type Candidate = Omit<Notice, 'params'> & { params?: Notice['params'] };
type Rule = (event: NotifyEvent, bomb: NotifyBomb | null, dir: NotifyDirectory) => Candidate[];

const to = (kind: NotificationKind, ids: (string | null)[], params?: Notice['params']): Candidate[] =>
  ids.flatMap((personId) => (personId ? [{ personId, kind, ...(params && { params }) }] : []));

const EXCERPT = 140;
const excerpt = (text: string | null) =>
  text === null ? null : text.length > EXCERPT ? `${text.slice(0, EXCERPT - 1)}…` : text;

/** The department a bomb went to: the event says so, else the bomb does. */
const routedTo = (e: NotifyEvent, bomb: NotifyBomb | null) =>
  textIn(e.data, 'toDepartmentId') ?? textIn(e.data, 'departmentId') ?? bomb?.departmentId ?? null;

const routed: Rule = (e, bomb, dir) => {
  const department = routedTo(e, bomb);
  return department
    ? to('routed', dir.members(department), { via: e.type === 'bomb.routed' ? 'filed' : 'bounced' })
    : [];
};

/**
 * Who hears about each event type. Add a type here when a feature starts writing it; an event
 * type with no rule (admin.*, lesson drafts, clocks) notifies nobody.
 */
const RULES: Record<string, Rule> = {
  'bomb.routed': routed,
  'bomb.declined': routed,
  'bomb.rerouted': routed,
  // Claimed for someone (routing put it on them): they did not pick it up themselves.
  'bomb.claimed': (e, bomb) =>
    booleanIn(e.data, 'onBehalf') ? to('assigned', [textIn(e.data, 'assigneeId') ?? bomb?.assigneeId ?? null]) : [],
  'bomb.commented': (e, bomb) =>
    bomb
      ? to('commented', [bomb.filedById, bomb.assigneeId, ...bomb.helperIds], {
          excerpt: excerpt(textIn(e.data, 'body')),
        })
      : [],
  'bomb.status_changed': (e, bomb) => {
    if (!bomb) return [];
    const status = textIn(e.data, 'to');
    // Waiting on the field: the department asks the filer; the note is the question.
    if (status === 'waiting') return to('question', [bomb.filedById], { question: excerpt(textIn(e.data, 'note')) });
    if (status === 'resolved') return to('resolved', [bomb.filedById], { rootCause: textIn(e.data, 'rootCause') });
    return [];
  },
  'bomb.escalated': (e, bomb, dir) => {
    if (!bomb) return [];
    const target = textIn(e.data, 'target') as TierTarget | null;
    const params = { tier: numberIn(e.data, 'tier'), reason: textIn(e.data, 'reason') };
    if (target === 'lead') return to('escalated', bomb.departmentId ? dir.leads(bomb.departmentId) : [], params);
    if (target === 'pm') return to('escalated', bomb.productPmId ? [bomb.productPmId] : dir.pms, params);
    if (target === 'admin') return to('escalated', dir.admins, params);
    return [];
  },
  'person.isolation_changed': (e) =>
    to('isolation', [e.personId], { state: textIn(e.data, 'state'), previousState: textIn(e.data, 'previousState') }),
  // Both sides of a buddy pairing: the one helped and the buddy.
  'person.buddy_assigned': (e) => {
    const helped = textIn(e.data, 'personId');
    const buddy = textIn(e.data, 'buddyId');
    return [
      ...to('buddy', [helped], { role: 'helped', otherId: buddy }),
      ...to('buddy', [buddy], { role: 'buddy', otherId: helped }),
    ];
  },
};

/**
 * Who is to hear about one event, and as what. Nobody hears about their own action, nor about a
 * bomb they may not see (`canSee`, the live stream's rule); one notice per person per event.
 */
export function noticesFor(
  event: NotifyEvent,
  bomb: NotifyBomb | null,
  dir: NotifyDirectory,
  canSee: (personId: string) => boolean,
): Notice[] {
  const rule = RULES[event.type];
  if (!rule) return [];
  if (event.bombId !== null && !bomb) return [];
  const base: Notice['params'] = bomb ? { key: bomb.key, title: bomb.title } : {};
  const seen = new Set<string>();
  const notices: Notice[] = [];
  for (const c of rule(event, bomb, dir)) {
    if (c.personId === event.actorId || seen.has(c.personId) || !canSee(c.personId)) continue;
    seen.add(c.personId);
    notices.push({ personId: c.personId, kind: c.kind, params: { ...base, ...c.params } });
  }
  return notices;
}

/** Whether a bomb in a batch has to be read with its people: only the types with a rule need it. */
export const hasNoticeRule = (type: string) => type in RULES;
