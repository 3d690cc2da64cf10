import type { EscalationSettings, Policy } from '@defuse/shared';
import type { Deps } from '../deps.ts';
import { forbidden, notFound } from '../errors.ts';
import { getDepartment } from '../queries/departments.ts';
import { putPolicy } from '../queries/escalation-settings.ts';
import { putSetting } from '../queries/settings.ts';
import type { Viewer } from '../viewer.ts';

/**
 * An admin, or a lead of the department, sets its policy. Deadlines already set keep the
 * escalation rows written under the old policy; the new one applies from the next deadline.
 */
export async function setDepartmentPolicy(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  { viewer, departmentId, policy }: { viewer: Viewer; departmentId: string; policy: Policy },
): Promise<Policy> {
  if (!(await getDepartment(db, departmentId))) throw notFound('No such department');
  if (viewer.role !== 'admin' && !viewer.leadDepartmentIds.includes(departmentId)) {
    throw forbidden('Only an admin or a lead of this department edits its policy');
  }
  await putPolicy(db, departmentId, policy, clock.now());
  return policy;
}

export async function setEscalationSettings(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  settings: EscalationSettings,
): Promise<EscalationSettings> {
  await putSetting(db, 'escalation', settings, clock.now());
  return settings;
}
