import { type Bomb, type EventData, permissionToMove, type Transition } from '@defuse/shared';
import type { Deps } from '../deps.ts';
import { claimDeadline } from '../domain/deadlines.ts';
import { shiftedDeadline } from '../domain/escalation.ts';
import { invalidField } from '../errors.ts';
import { getPolicy } from '../queries/settings.ts';
import {
  type ActionContext,
  type ActionRequest,
  changeBomb,
  invalidTransition,
  type Outcome,
  verdictOn,
} from './bomb-change.ts';
import { disputeEvent, disputeOf } from './bounce.ts';
import { claimOutcome } from './claim-bomb.ts';

type Move = Pick<Transition, 'to' | 'rootCause' | 'note'>;

/** open → claimed is a claim; every other move is decided here against the lifecycle table. */
async function transitionOutcome(ctx: ActionContext, move: Move): Promise<Outcome> {
  const { tx, bomb, now } = ctx;
  const from = bomb.status;
  const { to } = move;
  if (from === 'open' && to === 'claimed') return claimOutcome(ctx);

  const verdict = verdictOn(
    ctx,
    `move:${to}`,
    permissionToMove(from, to) === 'close'
      ? 'Only the filer, a pm or an admin closes a bomb'
      : 'Only the department this bomb is routed to moves it along',
  );
  if (verdict === 'invalid_transition') throw invalidTransition(from, to);
  if (to === 'resolved' && !move.rootCause) throw invalidField('rootCause', 'A resolved bomb needs a root cause');

  const note = move.note ? { note: move.note } : {};
  type Extra = Omit<EventData<'bomb.status_changed'>, 'bomb' | 'from' | 'to' | 'note'>;
  const changed = (extra: Extra = {}) => ({
    type: 'bomb.status_changed' as const,
    data: { from, to, ...note, ...extra },
  });

  switch (to) {
    case 'waiting':
      return {
        set: { status: 'waiting', pausedAt: now },
        events: [changed(), { type: 'bomb.clock_paused', data: {} }],
      };
    case 'claimed': {
      const pausedSeconds = bomb.pausedAt ? (now.getTime() - bomb.pausedAt.getTime()) / 1000 : 0;
      return {
        set: {
          status: 'claimed',
          pausedAt: null,
          resolveDueAt:
            bomb.resolveDueAt && bomb.pausedAt
              ? shiftedDeadline(bomb.resolveDueAt, bomb.pausedAt, now)
              : bomb.resolveDueAt,
        },
        events: [changed(), { type: 'bomb.clock_resumed', data: { pausedSeconds } }],
      };
    }
    case 'resolved':
      return {
        set: {
          status: 'resolved',
          rootCause: move.rootCause,
          resolvedAt: now,
          pausedAt: null,
          resolveDueAt: null,
          tier: 0,
        },
        events: [changed({ rootCause: move.rootCause })],
      };
    case 'closed':
      return { set: { status: 'closed', closedAt: now }, events: [changed()] };
    case 'open': {
      const policy = await getPolicy(tx, bomb.departmentId ?? '');
      const reopen = from !== 'claimed';
      // A reopen sends the work back to the department that resolved it: a bounce.
      const bounces = reopen ? bomb.bounces + 1 : bomb.bounces;
      const dispute = reopen && bomb.departmentId ? await disputeOf(ctx, bomb.departmentId, bounces) : null;
      return {
        set: {
          status: 'open',
          assigneeId: null,
          claimedAt: null,
          claimDueAt: claimDeadline(policy, bomb.severity, now),
          resolveDueAt: null,
          pausedAt: null,
          tier: 0,
          bounces,
          ...(reopen && { rootCause: null, resolvedAt: null, closedAt: null }),
          ...(dispute && { disputed: true }),
        },
        events: [
          changed(reopen ? { reopened: true, bounces } : { released: true }),
          ...(dispute ? [disputeEvent(bomb, dispute, bounces)] : []),
        ],
      };
    }
  }
}

export async function transitionBomb(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  request: ActionRequest & Move,
): Promise<Bomb> {
  return (await changeBomb(deps, request, (ctx) => transitionOutcome(ctx, request))).bomb;
}
