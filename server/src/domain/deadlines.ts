import type { Policy, Severity } from '@defuse/shared';

export const addSeconds = (t: Date, s: number) => new Date(t.getTime() + s * 1000);

/** When a filed bomb must be claimed under its department's policy. */
export function claimDeadline(policy: Policy, severity: Severity, routedAt: Date): Date {
  return addSeconds(routedAt, policy.claimWithinSeconds[severity]);
}

export function resolveDeadline(policy: Policy, severity: Severity, claimedAt: Date): Date {
  return addSeconds(claimedAt, policy.resolveWithinSeconds[severity]);
}
