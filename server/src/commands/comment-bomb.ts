import type { DefuseEvent } from '@defuse/shared';
import type { Deps } from '../deps.ts';
import { type ActionRequest, changeBomb, verdictOn } from './bomb-change.ts';

/** A comment is an action too: it moves the bomb's activity clocks (silence, idle). */
export async function commentBomb(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  request: ActionRequest & { body: string },
): Promise<DefuseEvent> {
  const { events } = await changeBomb(deps, request, async (ctx) => {
    verdictOn(ctx, 'comment', 'Join this bomb as a helper to comment on it');
    return { set: {}, events: [{ type: 'bomb.commented', data: { body: request.body } }] };
  });
  const [event] = events;
  if (!event) throw new Error('comment wrote no event');
  return event;
}
