import { BombSchema, isAdminEvent, isBombEvent } from '@defuse/shared';
import type { QueryClient } from '@tanstack/react-query';
import { applyBombToCaches } from '../api/bomb-cache.ts';
import { adminKeys, bombKeys, dashboardKeys, feedbackKeys, isolationKeys } from '../api/keys.ts';
import type { BoardLiveEffect } from './live-reducer.ts';

/** A busy board sends many bomb events; the isolation list and the dashboard refetch at most this often for them. */
const ISOLATION_REFRESH_MS = 5_000;
const EDITED_ROOTS = new Set<unknown>([adminKeys.routing[0], adminKeys.isolationSettings[0], adminKeys.policy('')[0]]);

/**
 * Live events update the cached bomb lists and timelines in place; views derived from bombs
 * (isolation, feedback) refetch when they are on screen.
 */
export function createLiveEffectApplier(queryClient: QueryClient): (effect: BoardLiveEffect) => void {
  let isolationTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshIsolationSoon = () => {
    if (isolationTimer !== undefined) return;
    isolationTimer = setTimeout(() => {
      isolationTimer = undefined;
      void queryClient.invalidateQueries({ queryKey: isolationKeys.list() });
      void queryClient.invalidateQueries({ queryKey: dashboardKeys.all });
    }, ISOLATION_REFRESH_MS);
  };

  return (effect) => {
    if (effect.type === 'refetch') {
      void queryClient.invalidateQueries({ predicate: (q) => !EDITED_ROOTS.has(q.queryKey[0]) });
      return;
    }
    if (effect.type !== 'apply') return;
    const { event } = effect;
    // Only admins receive these: the trail they are reading grows.
    if (isAdminEvent(event)) {
      void queryClient.invalidateQueries({ queryKey: adminKeys.audit });
      return;
    }
    if (!isBombEvent(event)) {
      void queryClient.invalidateQueries({ queryKey: isolationKeys.all });
      return;
    }
    // Every bomb event carries its bomb; polled pages reach here unparsed, so it is checked still.
    const parsed = BombSchema.safeParse(event.data.bomb);
    if (parsed.success) applyBombToCaches(queryClient, parsed.data, event);
    else void queryClient.invalidateQueries({ queryKey: bombKeys.all });
    refreshIsolationSoon();
    if (event.type === 'bomb.status_changed') void queryClient.invalidateQueries({ queryKey: feedbackKeys.all });
  };
}
