import type { DefuseEvent } from '@defuse/shared';
import type { Deps } from '../deps.ts';
import { mayAct } from '../domain/lifecycle.ts';
import { forbidden } from '../errors.ts';
import { type ActionRequest, changeBomb } from './bomb-change.ts';

/** A comment is an action too: it moves the bomb's activity clocks (silence, idle). */
export async function commentBomb(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  request: ActionRequest & { body: string },
): Promise<DefuseEvent> {
  const { events } = await changeBomb(deps, request, async ({ standing }) => {
    if (!mayAct(standing, 'comment')) throw forbidden('Join this bomb as a helper to comment on it');
    return { set: {}, events: [{ type: 'bomb.commented', data: { body: request.body } }] };
  });
  const [event] = events;
  if (!event) throw new Error('comment wrote no event');
  return event;
}
