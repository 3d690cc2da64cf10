import type { EscalationSettings, Policy } from '@defuse/shared';
import type { Deps } from '../deps.ts';
import { changedFields } from '../domain/changes.ts';
import { forbidden, notFound } from '../errors.ts';
import { appendAdminEvent } from '../queries/audit.ts';
import { getDepartment } from '../queries/departments.ts';
import { getEscalationSettings, putPolicy } from '../queries/escalation-settings.ts';
import { getPolicy, putSetting } from '../queries/settings.ts';
import type { Viewer } from '../viewer.ts';
import { runChange } from './run-change.ts';

/**
 * An admin, or a lead of the department, sets its policy. Deadlines already set keep the
 * escalation rows written under the old policy; the new one applies from the next deadline.
 */
export async function setDepartmentPolicy(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  { viewer, departmentId, policy }: { viewer: Viewer; departmentId: string; policy: Policy },
): Promise<Policy> {
  const now = deps.clock.now();
  return runChange(deps, async (tx) => {
    if (!(await getDepartment(tx, departmentId))) throw notFound('No such department');
    if (viewer.role !== 'admin' && !viewer.leadDepartmentIds.includes(departmentId)) {
      throw forbidden('Only an admin or a lead of this department edits its policy');
    }
    const before = await getPolicy(tx, departmentId);
    await putPolicy(tx, departmentId, policy, now);
    const events = await appendAdminEvent(tx, viewer, now, {
      type: 'admin.policy_updated',
      data: { departmentId, changed: changedFields(before, policy), before, after: policy },
    });
    return { result: policy, events };
  });
}

export async function setEscalationSettings(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  { actor, settings }: { actor: Viewer; settings: EscalationSettings },
): Promise<EscalationSettings> {
  const now = deps.clock.now();
  return runChange(deps, async (tx) => {
    const before = await getEscalationSettings(tx);
    await putSetting(tx, 'escalation', settings, now);
    const events = await appendAdminEvent(tx, actor, now, {
      type: 'admin.escalation_settings_updated',
      data: { changed: changedFields(before, settings), before, after: settings },
    });
    return { result: settings, events };
  });
}
