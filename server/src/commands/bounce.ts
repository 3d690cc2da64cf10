import type { Verdict } from '@defuse/shared';
import { claimDeadline } from '../domain/deadlines.ts';
import { type DisputeReason, disputeText } from '../domain/notifications.ts';
import { DomainError, invalidField } from '../errors.ts';
import { getEscalationSettings } from '../queries/escalation-settings.ts';
import type { BombEventDraft } from '../queries/events.ts';
import { departmentsThatPassedOn } from '../queries/ownership-spans.ts';
import { getRoutingContext } from '../queries/settings.ts';
import type { ActionContext, Outcome } from './bomb-change.ts';

/** The dispute a bounce raises, if any: a return to a department that passed it on, or too many bounces. */
export async function disputeOf(
  { tx, bomb }: Pick<ActionContext, 'tx' | 'bomb'>,
  toDepartmentId: string,
  bounces: number,
): Promise<DisputeReason | null> {
  if (bomb.disputed) return null;
  const passedOn = await departmentsThatPassedOn(tx, bomb.id);
  // The department it is leaving now counts as well: A → B → A is a cycle.
  if (bomb.departmentId && toDepartmentId !== bomb.departmentId) passedOn.add(bomb.departmentId);
  if (passedOn.has(toDepartmentId)) return 'cycle';
  const { bounceLimit } = await getEscalationSettings(tx);
  return bounces > bounceLimit ? 'bounce_limit' : null;
}

export function disputeEvent(
  bomb: { key: string; title: string },
  reason: DisputeReason,
  bounces: number,
): BombEventDraft {
  return { type: 'bomb.disputed', data: { reason, bounces, target: 'pm' }, notify: disputeText(bomb, reason) };
}

/**
 * A decline or reroute: the bomb leaves its department for `wanted` (or the fallback when
 * `wanted` has nobody in it), starts a new claim clock there and counts a bounce. A pm or admin
 * settling a dispute by rerouting clears the dispute instead of raising one.
 */
export async function bounceOutcome(
  ctx: ActionContext,
  /** The shared rule's verdict on the decline or reroute (verdictOn): a status it may not leave is refused here, after the input's checks. */
  verdict: Verdict,
  { kind, wanted, reason }: { kind: 'declined' | 'rerouted'; wanted: string | null; reason: string },
): Promise<Outcome> {
  const { tx, bomb, standing, now } = ctx;
  const path = kind === 'declined' ? 'suggestedDepartmentId' : 'departmentId';
  if (verdict === 'invalid_transition') {
    throw new DomainError('invalid_transition', `A ${bomb.status} bomb cannot be ${kind}`, undefined, {
      from: bomb.status,
    });
  }
  const routing = await getRoutingContext(tx);
  const fallback = routing.table?.fallbackDepartmentId ?? null;
  const staffed = routing.staffed;
  let to = wanted ?? fallback;
  let fallbackReason: 'department_empty' | null = null;
  if (to && !staffed.has(to) && fallback && to !== fallback) {
    fallbackReason = 'department_empty';
    to = fallback;
  }
  if (!to || to === bomb.departmentId) {
    throw invalidField(path, 'Nobody else can take this bomb: name a department other than the current one');
  }
  const bounces = bomb.bounces + 1;
  const settles = kind === 'rerouted' && standing.manager;
  const dispute = settles ? null : await disputeOf(ctx, to, bounces);
  const policy = routing.policyOf(to);
  const bounce = {
    reason,
    fromDepartmentId: bomb.departmentId,
    toDepartmentId: to,
    fallbackReason,
    bounces,
    ...(settles && bomb.disputed && { disputeSettled: true as const }),
  };
  // A decline names the department the decliner suggested (the one wanted), if any.
  const moved: BombEventDraft =
    kind === 'declined'
      ? { type: 'bomb.declined', data: { ...bounce, suggestedDepartmentId: wanted } }
      : { type: 'bomb.rerouted', data: bounce };
  return {
    set: {
      departmentId: to,
      status: 'open',
      assigneeId: null,
      claimedAt: null,
      pausedAt: null,
      resolveDueAt: null,
      claimDueAt: claimDeadline(policy, bomb.severity, now),
      tier: 0,
      bounces,
      disputed: settles ? false : bomb.disputed || dispute !== null,
    },
    events: [moved, ...(dispute ? [disputeEvent(bomb, dispute, bounces)] : [])],
    spanEnd: kind,
  };
}
