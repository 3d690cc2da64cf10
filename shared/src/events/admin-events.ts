import { z } from 'zod';
import { IdSchema } from '../common.ts';
import { DepartmentSchema, ProductSchema } from '../department.ts';
import { IsolationSettingsSchema } from '../isolation.ts';
import { PersonSchema } from '../person.ts';
import { EscalationSettingsSchema, PolicySchema, RoutingTableSchema } from '../routing.ts';

/**
 * The `data` of each admin.* event (docs/api.md "Audit"): who did it is the event's `actorId`; the
 * data names what changed. Updates carry `changed` (field names) and the before/after of those
 * fields only; settings carry the whole before and after (small, and read as a whole). Never a
 * password, a hash or a token: a password change is `passwordChanged`, a webhook URL its origin.
 */

/** A person as the audit trail shows them. */
export const AuditPersonSchema = PersonSchema.omit({ id: true });
export type AuditPerson = z.infer<typeof AuditPersonSchema>;

/** A department as the audit trail shows it: the webhook URL's origin only (its path may hold a secret). */
export const AuditDepartmentSchema = DepartmentSchema.omit({ id: true, webhookUrl: true }).extend({
  webhookOrigin: z.string().nullable(),
});
export type AuditDepartment = z.infer<typeof AuditDepartmentSchema>;

export const AuditProductSchema = ProductSchema.omit({ id: true });
export type AuditProduct = z.infer<typeof AuditProductSchema>;

/** The fields that changed, with their values before and after. */
const fieldChange = <T extends z.ZodObject>(fields: T) => ({
  changed: z.array(z.string()),
  before: fields.partial(),
  after: fields.partial(),
});
/** A setting replaced as a whole; `changed` names its top-level fields that differ. */
const settingChange = <T extends z.ZodType>(setting: T) => ({
  changed: z.array(z.string()),
  before: setting,
  after: setting,
});

export const ADMIN_EVENT_DATA = {
  'admin.person_created': z.object({ personId: IdSchema, after: AuditPersonSchema }),
  'admin.person_updated': z.object({
    personId: IdSchema,
    ...fieldChange(AuditPersonSchema),
    /** A new password was set (and every session of theirs ended); never the password itself. */
    passwordChanged: z.literal(true).optional(),
  }),
  'admin.department_created': z.object({ departmentId: IdSchema, after: AuditDepartmentSchema }),
  'admin.department_updated': z.object({ departmentId: IdSchema, ...fieldChange(AuditDepartmentSchema) }),
  'admin.product_created': z.object({ productId: IdSchema, after: AuditProductSchema }),
  'admin.product_updated': z.object({ productId: IdSchema, ...fieldChange(AuditProductSchema) }),
  /** `before` is null when there was no routing table yet. */
  'admin.routing_updated': z.object({ ...settingChange(RoutingTableSchema), before: RoutingTableSchema.nullable() }),
  /** Set by an admin or a lead of the department. */
  'admin.policy_updated': z.object({ departmentId: IdSchema, ...settingChange(PolicySchema) }),
  'admin.escalation_settings_updated': z.object(settingChange(EscalationSettingsSchema)),
  'admin.isolation_settings_updated': z.object(settingChange(IsolationSettingsSchema)),
  /** An admin revoked someone's API token: which one, whose, and its name; never the token. */
  'admin.token_revoked': z.object({ tokenId: IdSchema, personId: IdSchema, name: z.string() }),
} as const;
