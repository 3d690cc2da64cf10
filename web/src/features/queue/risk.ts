import type { Bomb } from '@defuse/shared';

/** Linear-like risk colors: gray while calm, yellow past half the window, orange in the last fifth, red once missed. */
export type Risk = 'none' | 'calm' | 'soon' | 'near' | 'overdue';

export interface Deadline {
  kind: 'claim' | 'resolve';
  dueAt: string;
  /** Where the window started; the risk is the share of it that is left. */
  startAt: string;
  /** Waiting on the field contact: the resolve clock stands still. */
  paused: boolean;
}

export function activeDeadline(
  bomb: Pick<Bomb, 'status' | 'claimDueAt' | 'resolveDueAt' | 'createdAt'>,
): Deadline | null {
  if (bomb.status === 'open' && bomb.claimDueAt) {
    return { kind: 'claim', dueAt: bomb.claimDueAt, startAt: bomb.createdAt, paused: false };
  }
  if ((bomb.status === 'claimed' || bomb.status === 'waiting') && bomb.resolveDueAt) {
    return { kind: 'resolve', dueAt: bomb.resolveDueAt, startAt: bomb.createdAt, paused: bomb.status === 'waiting' };
  }
  return null;
}

export const SOON_SHARE = 0.5;
export const NEAR_SHARE = 0.2;

/**
 * @example riskOf({ kind: 'claim', startAt: '…T00:00Z', dueAt: '…T10:00Z', paused: false }, at('…T09:00Z')) === 'near'
 */
export function riskOf(deadline: Deadline | null, now: number): Risk {
  if (!deadline || deadline.paused) return 'none';
  const due = Date.parse(deadline.dueAt);
  const start = Date.parse(deadline.startAt);
  const left = due - now;
  if (left <= 0) return 'overdue';
  const window = due - start;
  if (window <= 0) return 'near';
  const share = left / window;
  if (share < NEAR_SHARE) return 'near';
  if (share < SOON_SHARE) return 'soon';
  return 'calm';
}
