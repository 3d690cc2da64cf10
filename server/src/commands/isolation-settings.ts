import { personIsolationDue } from '@defuse/drizzle';
import type { IsolationSettings } from '@defuse/shared';
import { gt } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { changedFields } from '../domain/changes.ts';
import { appendAdminEvent } from '../queries/audit.ts';
import { getIsolationSettings, ISOLATION_SETTINGS_KEY } from '../queries/isolation.ts';
import { putSetting } from '../queries/settings.ts';
import type { Viewer } from '../viewer.ts';
import { runChange } from './run-change.ts';

/**
 * Stores new thresholds and makes everyone who carries bombs due now, so the scheduler
 * recomputes them under the new rules in its next steps (not in this request).
 */
export async function updateIsolationSettings(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  { actor, settings }: { actor: Viewer; settings: IsolationSettings },
): Promise<IsolationSettings> {
  const now = deps.clock.now();
  return runChange(deps, async (tx) => {
    const before = await getIsolationSettings(tx);
    await putSetting(tx, ISOLATION_SETTINGS_KEY, settings, now);
    await tx.update(personIsolationDue).set({ dueAt: now }).where(gt(personIsolationDue.dueAt, now));
    const events = await appendAdminEvent(tx, actor, now, {
      type: 'admin.isolation_settings_updated',
      data: { changed: changedFields(before, settings), before, after: settings },
    });
    return { result: settings, events };
  });
}
