import { departmentPolicies } from '@defuse/drizzle';
import {
  DEFAULT_ESCALATION_SETTINGS,
  type EscalationSettings,
  EscalationSettingsSchema,
  type Policy,
} from '@defuse/shared';
import type { DbOrTx } from '../db/types.ts';
import { getSetting } from './settings.ts';

export async function getEscalationSettings(db: DbOrTx): Promise<EscalationSettings> {
  const parsed = EscalationSettingsSchema.safeParse(await getSetting(db, 'escalation'));
  return parsed.success ? parsed.data : DEFAULT_ESCALATION_SETTINGS;
}

export async function putPolicy(db: DbOrTx, departmentId: string, policy: Policy, now: Date): Promise<void> {
  await db
    .insert(departmentPolicies)
    .values({ departmentId, policy, updatedAt: now })
    .onConflictDoUpdate({ target: departmentPolicies.departmentId, set: { policy, updatedAt: now } });
}
