import type { Bomb } from '@defuse/shared';
import type { Deps } from '../deps.ts';
import { resolveDeadline } from '../domain/deadlines.ts';
import { mayAct } from '../domain/lifecycle.ts';
import { DomainError, forbidden } from '../errors.ts';
import { getPolicy } from '../queries/settings.ts';
import { type ActionContext, type ActionRequest, changeBomb, invalidTransition, type Outcome } from './bomb-change.ts';

/**
 * open → claimed by the viewer. The bomb row is locked for the whole change, so of any number of
 * simultaneous claims (on any instance) the first holds the lock and the rest find it claimed.
 */
export async function claimOutcome({ tx, bomb, viewer, standing, now }: ActionContext): Promise<Outcome> {
  if (!mayAct(standing, 'claim')) throw forbidden('Only members of the department this bomb is routed to claim it');
  if (bomb.status !== 'open') {
    if (bomb.assigneeId) {
      throw new DomainError('already_claimed', 'Someone else already holds this bomb', undefined, {
        assigneeId: bomb.assigneeId,
      });
    }
    throw invalidTransition(bomb.status, 'claimed');
  }
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
