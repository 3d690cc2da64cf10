import type { Bomb } from '@defuse/shared';
import type { Deps } from '../deps.ts';
import { resolveDeadline } from '../domain/deadlines.ts';
import { getPolicy } from '../queries/settings.ts';
import {
  type ActionContext,
  type ActionRequest,
  changeBomb,
  invalidTransition,
  type Outcome,
  verdictOn,
} from './bomb-change.ts';

/**
 * open → claimed by the viewer. The bomb row is locked for the whole change, so of any number of
 * simultaneous claims (on any instance) the first holds the lock and the rest find it claimed.
 */
export async function claimOutcome(ctx: ActionContext): Promise<Outcome> {
  const { tx, bomb, viewer, now } = ctx;
  const verdict = verdictOn(ctx, 'claim', 'Only members of the department this bomb is routed to claim it');
  if (verdict === 'invalid_transition') throw invalidTransition(bomb.status, 'claimed');
  const policy = await getPolicy(tx, bomb.departmentId ?? '');
  return {
    set: {
      status: 'claimed',
      assigneeId: viewer.id,
      claimedAt: now,
      claimDueAt: null,
      resolveDueAt: resolveDeadline(policy, bomb.severity, now),
      tier: 0,
    },
    events: [{ type: 'bomb.claimed', data: { assigneeId: viewer.id } }],
  };
}

export async function claimBomb(deps: Pick<Deps, 'db' | 'clock' | 'signal'>, request: ActionRequest): Promise<Bomb> {
  return (await changeBomb(deps, request, claimOutcome)).bomb;
}
