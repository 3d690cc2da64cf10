import { BombSchema } from '@defuse/shared';
import type { QueryClient } from '@tanstack/react-query';
import { applyBombToCaches } from '../api/bomb-cache.ts';
import { bombKeys, feedbackKeys, isolationKeys } from '../api/keys.ts';
import type { LiveEffect } from './live-reducer.ts';

/** Live events update the cached bomb lists and timelines in place; derived views refetch. */
export function applyLiveEffect(queryClient: QueryClient, effect: LiveEffect): void {
  if (effect.type === 'refetch') {
    void queryClient.invalidateQueries();
    return;
  }
  if (effect.type !== 'apply') return;
  const { event } = effect;
  if (event.type.startsWith('person.')) {
    void queryClient.invalidateQueries({ queryKey: isolationKeys.all });
    return;
  }
  const parsed = BombSchema.safeParse(event.data.bomb);
  if (parsed.success) applyBombToCaches(queryClient, parsed.data, event);
  else void queryClient.invalidateQueries({ queryKey: bombKeys.all });
  // Load, silence and feedback are computed from bombs: their views refetch when on screen.
  void queryClient.invalidateQueries({ queryKey: isolationKeys.all });
  if (event.type === 'bomb.status_changed') void queryClient.invalidateQueries({ queryKey: feedbackKeys.all });
}
