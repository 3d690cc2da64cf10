import type { Bomb } from '@defuse/shared';
import type { Deps } from '../deps.ts';
import { type ActionRequest, changeBomb, verdictOn } from './bomb-change.ts';

// The shared rule lets anyone who can see a bomb join it; joining twice or leaving unjoined changes nothing.
const NEVER_REFUSED = 'unreachable: joining and leaving are never refused';

/** Anyone who can see a bomb may join it as a helper: mutual aid is a first-class action. */
export async function joinBomb(deps: Pick<Deps, 'db' | 'clock' | 'signal'>, request: ActionRequest): Promise<Bomb> {
  const { bomb } = await changeBomb(deps, request, async (ctx) => {
    const { bomb, viewer } = ctx;
    if (verdictOn(ctx, 'join', NEVER_REFUSED) !== 'ok') return null;
    return {
      set: { helperIds: [...bomb.helperIds, viewer.id] },
      events: [{ type: 'bomb.helper_joined', data: { personId: viewer.id } }],
    };
  });
  return bomb;
}

export async function leaveBomb(deps: Pick<Deps, 'db' | 'clock' | 'signal'>, request: ActionRequest): Promise<Bomb> {
  const { bomb } = await changeBomb(deps, request, async (ctx) => {
    const { bomb, viewer } = ctx;
    if (verdictOn(ctx, 'leave', NEVER_REFUSED) !== 'ok') return null;
    return {
      set: { helperIds: bomb.helperIds.filter((id) => id !== viewer.id) },
      events: [{ type: 'bomb.helper_left', data: { personId: viewer.id } }],
    };
  });
  return bomb;
}
