import type { Bomb, DefuseEvent } from '@defuse/shared';

const OWNER_CHANGES = new Set(['bomb.filed', 'bomb.routed', 'bomb.claimed', 'bomb.declined', 'bomb.rerouted']);

/** When the current owner (person or department) got the bomb: the last event that moved it. */
export function ownerSince(bomb: Pick<Bomb, 'createdAt'>, events: readonly DefuseEvent[]): string {
  let since = bomb.createdAt;
  for (const event of events) {
    const reopened = event.type === 'bomb.status_changed' && (event.data.bomb as Bomb | undefined)?.status === 'open';
    if (OWNER_CHANGES.has(event.type) || reopened) since = event.at;
  }
  return since;
}

/** Hand-offs the filer can count: every bounce between departments plus every change of person. */
export function handoffCount(bomb: Pick<Bomb, 'bounces'>, events: readonly DefuseEvent[]): number {
  const claims = events.filter((e) => e.type === 'bomb.claimed').length;
  return bomb.bounces + Math.max(0, claims - 1);
}
