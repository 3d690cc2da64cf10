import { personIsolationDue } from '@defuse/drizzle';
import type { IsolationSettings } from '@defuse/shared';
import { gt } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { ISOLATION_SETTINGS_KEY } from '../queries/isolation.ts';
import { putSetting } from '../queries/settings.ts';

/**
 * Stores new thresholds and makes everyone who carries bombs due now, so the scheduler
 * recomputes them under the new rules in its next steps (not in this request).
 */
export async function updateIsolationSettings(
  deps: Pick<Deps, 'db' | 'clock'>,
  settings: IsolationSettings,
): Promise<IsolationSettings> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await putSetting(tx, ISOLATION_SETTINGS_KEY, settings, now);
    await tx.update(personIsolationDue).set({ dueAt: now }).where(gt(personIsolationDue.dueAt, now));
  });
  return settings;
}
