import type { EscalationReason, Policy, TierTarget } from '@defuse/shared';
import { addSeconds } from './deadlines.ts';

export interface PlannedEscalation {
  reason: EscalationReason;
  deadlineAt: Date;
  tier: number;
  target: TierTarget;
  dueAt: Date;
}

/**
 * The escalation rows for one deadline under a policy as it stands now: tier i (1-based) fires
 * `tiers[i-1].afterSeconds` past the deadline. Written when the deadline is set, so a later policy
 * change never moves work already promised.
 *
 * @example
 * planEscalations({ ...policy, tiers: [{ afterSeconds: 0, target: 'lead' }, { afterSeconds: 3600, target: 'pm' }] },
 *   'claim_overdue', new Date('2026-03-02T10:00:00Z'))
 * // → [{ tier: 1, target: 'lead', dueAt: 10:00 }, { tier: 2, target: 'pm', dueAt: 11:00 }]
 */
export function planEscalations(
  policy: Pick<Policy, 'tiers'>,
  reason: EscalationReason,
  deadlineAt: Date,
): PlannedEscalation[] {
  return policy.tiers.map((t, i) => ({
    reason,
    deadlineAt,
    tier: i + 1,
    target: t.target,
    dueAt: addSeconds(deadlineAt, t.afterSeconds),
  }));
}

/** When a paused resolve clock resumes, the deadline moves by the time it stood still. */
export function shiftedDeadline(deadline: Date, pausedAt: Date, resumedAt: Date): Date {
  return new Date(deadline.getTime() + Math.max(0, resumedAt.getTime() - pausedAt.getTime()));
}

/** Backoff for webhook retries: 10 s, 20 s, 40 s … capped at an hour. */
export function webhookBackoffSeconds(attempts: number): number {
  return Math.min(3600, 10 * 2 ** Math.max(0, attempts - 1));
}
export const WEBHOOK_MAX_ATTEMPTS = 8;
