import type { Bomb, DefuseEvent } from '@defuse/shared';

/** When the current owner (person or department) got the bomb: the last event that moved it. */
export function ownerSince(bomb: Pick<Bomb, 'createdAt'>, events: readonly DefuseEvent[]): string {
  let since = bomb.createdAt;
  for (const event of events) {
    if (movedOwner(event)) since = event.at;
  }
  return since;
}

function movedOwner(event: DefuseEvent): boolean {
  switch (event.type) {
    case 'bomb.filed':
    case 'bomb.routed':
    case 'bomb.claimed':
    case 'bomb.declined':
    case 'bomb.rerouted':
      return true;
    case 'bomb.status_changed':
      return event.data.bomb.status === 'open';
    default:
      return false;
  }
}

/** Hand-offs the filer can count: every bounce between departments plus every change of person. */
export function handoffCount(bomb: Pick<Bomb, 'bounces'>, events: readonly DefuseEvent[]): number {
  const claims = events.filter((e) => e.type === 'bomb.claimed').length;
  return bomb.bounces + Math.max(0, claims - 1);
}
