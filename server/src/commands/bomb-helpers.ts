import type { Bomb } from '@defuse/shared';
import type { Deps } from '../deps.ts';
import { type ActionRequest, changeBomb } from './bomb-change.ts';

/** Anyone who can see a bomb may join it as a helper: mutual aid is a first-class action. */
export async function joinBomb(deps: Pick<Deps, 'db' | 'clock' | 'signal'>, request: ActionRequest): Promise<Bomb> {
  const { bomb } = await changeBomb(deps, request, async ({ bomb, viewer }) =>
    bomb.helperIds.includes(viewer.id)
      ? null
      : {
          set: { helperIds: [...bomb.helperIds, viewer.id] },
          events: [{ type: 'bomb.helper_joined', data: { personId: viewer.id } }],
        },
  );
  return bomb;
}

export async function leaveBomb(deps: Pick<Deps, 'db' | 'clock' | 'signal'>, request: ActionRequest): Promise<Bomb> {
  const { bomb } = await changeBomb(deps, request, async ({ bomb, viewer }) =>
    bomb.helperIds.includes(viewer.id)
      ? {
          set: { helperIds: bomb.helperIds.filter((id) => id !== viewer.id) },
          events: [{ type: 'bomb.helper_left', data: { personId: viewer.id } }],
        }
      : null,
  );
  return bomb;
}
