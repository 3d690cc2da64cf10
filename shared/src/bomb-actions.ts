import type { Role, Status } from './enums.ts';

/*
 * Who may do what to a bomb, decided once: the server's commands refuse by these rules (403/409)
 * and the board offers exactly the actions they allow. Pure: no clock, no database, no input
 * checks (a missing root cause or an unknown department is the command's 400, not a permission).
 */

/**
 * The moves a bomb may make. `claimed → open` releases a claim back to the department's queue;
 * `resolved|closed → open` is a reopen (a bounce back to the resolving department).
 */
export const TRANSITIONS: Record<Status, readonly Status[]> = {
  open: ['claimed'],
  claimed: ['waiting', 'resolved', 'open'],
  waiting: ['claimed', 'resolved'],
  resolved: ['closed', 'open'],
  closed: ['open'],
};

export const canMove = (from: Status, to: Status) => TRANSITIONS[from].includes(to);

/** Statuses in which a department still owns the work and may decline or reroute it. */
export const BOUNCEABLE: readonly Status[] = ['open', 'claimed', 'waiting'];

/** Who is acting: the server's viewer, or the board's signed-in person with the departments it leads. */
export interface ActingPerson {
  id: string;
  role: Role;
  departmentIds: readonly string[];
  leadDepartmentIds: readonly string[];
}

/** What of a bomb the rules look at. */
export interface BombStanding {
  status: Status;
  departmentId: string | null;
  assigneeId: string | null;
  filedById: string;
  helperIds: readonly string[];
}

/** What an actor is to a bomb; permissions are decided from these, not from the role alone. */
export interface Standing {
  manager: boolean;
  member: boolean;
  lead: boolean;
  assignee: boolean;
  filer: boolean;
  helper: boolean;
}

export const isManagerRole = (role: Role) => role === 'pm' || role === 'admin';

export function standingOf(person: ActingPerson, bomb: BombStanding): Standing {
  const inDepartment = (ids: readonly string[]) => bomb.departmentId !== null && ids.includes(bomb.departmentId);
  return {
    manager: isManagerRole(person.role),
    member: inDepartment(person.departmentIds),
    lead: inDepartment(person.leadDepartmentIds),
    assignee: bomb.assigneeId === person.id,
    filer: bomb.filedById === person.id,
    helper: bomb.helperIds.includes(person.id),
  };
}

/** The permissions behind the actions: one transition is one of close, reopen or work. */
export type Permission = 'claim' | 'decline' | 'reroute' | 'comment' | 'close' | 'reopen' | 'work';

/**
 * Who may do what (docs/api.md, "A bomb's lifecycle"): members act on their departments' bombs, leads also
 * reroute, pms and admins act on all; the filer comments, closes and reopens, and works on the
 * bomb only when it is also the assignee. Joining as a helper is not here: anyone who can see a
 * bomb may.
 *
 * @example
 * mayAct({ manager: false, member: false, lead: false, assignee: false, filer: true, helper: false }, 'close') // → true
 */
export function mayAct(s: Standing, permission: Permission): boolean {
  if (s.manager) return true;
  switch (permission) {
    case 'comment':
      return s.member || s.assignee || s.filer || s.helper;
    case 'close':
      return s.filer;
    case 'reopen':
      return s.filer || s.member;
    case 'reroute':
      return s.lead;
    case 'claim':
    case 'decline':
      return s.member;
    case 'work':
      return s.member || s.assignee;
  }
}

/** Every action the board can offer and the API takes; `move:<status>` is a transition to it. */
export const BOMB_ACTIONS = [
  'claim',
  'decline',
  'reroute',
  'comment',
  'join',
  'leave',
  'move:claimed',
  'move:waiting',
  'move:resolved',
  'move:closed',
  'move:open',
] as const;
export type BombAction = (typeof BOMB_ACTIONS)[number];

/**
 * What the server answers an action with: `ok` changes the bomb, `unchanged` is a 200 that
 * changes nothing (joining twice, leaving when not a helper), the rest are refusals (403, 409).
 */
export type Verdict = 'ok' | 'unchanged' | 'forbidden' | 'invalid_transition' | 'already_claimed';

/** The permission a transition needs: to `closed` is a close, back to `open` (not a release) a reopen. */
export function permissionToMove(from: Status, to: Status): Permission {
  if (to === 'closed') return 'close';
  if (to === 'open' && from !== 'claimed') return 'reopen';
  return 'work';
}

function claimVerdict(s: Standing, bomb: BombStanding): Verdict {
  if (!mayAct(s, 'claim')) return 'forbidden';
  if (bomb.status === 'open') return 'ok';
  return bomb.assigneeId ? 'already_claimed' : 'invalid_transition';
}

/**
 * The verdict on one action by `person` on a bomb they can see. Permission is judged before the
 * bomb's status, so a refusal says 403 whenever the person may not act at all.
 */
export function judgeAction(person: ActingPerson, bomb: BombStanding, action: BombAction): Verdict {
  const s = standingOf(person, bomb);
  switch (action) {
    case 'claim':
      return claimVerdict(s, bomb);
    case 'decline':
    case 'reroute':
      if (!mayAct(s, action)) return 'forbidden';
      return BOUNCEABLE.includes(bomb.status) ? 'ok' : 'invalid_transition';
    case 'comment':
      return mayAct(s, 'comment') ? 'ok' : 'forbidden';
    case 'join':
      return s.helper ? 'unchanged' : 'ok';
    case 'leave':
      return s.helper ? 'ok' : 'unchanged';
    default: {
      const to = moveTarget(action);
      if (bomb.status === 'open' && to === 'claimed') return claimVerdict(s, bomb);
      if (!mayAct(s, permissionToMove(bomb.status, to))) return 'forbidden';
      return canMove(bomb.status, to) ? 'ok' : 'invalid_transition';
    }
  }
}

const moveTarget = (action: `move:${Status}`) => action.slice('move:'.length) as Status;

/** The actions that would change the bomb: what the board offers. */
export function allowedActions(person: ActingPerson, bomb: BombStanding): BombAction[] {
  return BOMB_ACTIONS.filter((action) => judgeAction(person, bomb, action) === 'ok');
}
