import type { Status } from '@defuse/shared';

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

/** What an actor is to a bomb; permissions are decided from these, not from the role alone. */
export interface Standing {
  manager: boolean;
  member: boolean;
  lead: boolean;
  assignee: boolean;
  filer: boolean;
  helper: boolean;
}

export type BombAction =
  | 'claim'
  | 'decline'
  | 'reroute'
  | 'comment'
  | 'help'
  | 'close'
  | 'reopen'
  | 'work'; /* waiting, resume, resolve, release */

/**
 * Who may do what (docs/api.md, "A bomb's lifecycle"): members act on their departments' bombs, leads also
 * reroute, pms and admins act on all; the filer comments, closes and reopens, and works on the
 * bomb only when it is also the assignee; anyone who can see a bomb may join it as a helper.
 *
 * @example
 * mayAct({ manager: false, member: false, lead: false, assignee: false, filer: true, helper: false }, 'close') // → true
 */
export function mayAct(s: Standing, action: BombAction): boolean {
  if (s.manager) return true;
  switch (action) {
    case 'help':
      return true;
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
