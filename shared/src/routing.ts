import { z } from 'zod';
import { IdSchema, text } from './common.ts';
import { CATEGORIES, SEVERITIES, TIER_TARGETS } from './enums.ts';

export const RoutingRuleSchema = z.strictObject({
  when: z.strictObject({
    categories: z.array(z.enum(CATEGORIES)).max(CATEGORIES.length).optional(),
    productIds: z.array(IdSchema).max(100).optional(),
    minSeverity: z.enum(SEVERITIES).optional(),
    keywords: z.array(text().trim().min(1).max(100)).max(50).optional(),
  }),
  departmentId: IdSchema,
  assigneeId: IdSchema.nullable().optional(),
});
export type RoutingRule = z.infer<typeof RoutingRuleSchema>;

export const RoutingTableSchema = z.strictObject({
  rules: z.array(RoutingRuleSchema).max(500),
  fallbackDepartmentId: IdSchema,
});
export type RoutingTable = z.infer<typeof RoutingTableSchema>;

const PerSeverity = z.strictObject({
  low: z.number().int().min(1).max(31_536_000),
  normal: z.number().int().min(1).max(31_536_000),
  high: z.number().int().min(1).max(31_536_000),
  critical: z.number().int().min(1).max(31_536_000),
});

export const PolicySchema = z.strictObject({
  claimWithinSeconds: PerSeverity,
  resolveWithinSeconds: PerSeverity,
  /** A claimed bomb with no action by its assignee for this long escalates as `claimed_idle`. */
  idleSeconds: z.number().int().min(1).max(31_536_000).default(86_400),
  tiers: z
    .array(z.strictObject({ afterSeconds: z.number().int().min(0).max(31_536_000), target: z.enum(TIER_TARGETS) }))
    .max(10),
});
export type Policy = z.infer<typeof PolicySchema>;

export const DEFAULT_POLICY: Policy = {
  claimWithinSeconds: { low: 3 * 86_400, normal: 86_400, high: 4 * 3600, critical: 3600 },
  resolveWithinSeconds: { low: 14 * 86_400, normal: 5 * 86_400, high: 2 * 86_400, critical: 86_400 },
  idleSeconds: 86_400,
  tiers: [
    { afterSeconds: 0, target: 'lead' },
    { afterSeconds: 4 * 3600, target: 'pm' },
    { afterSeconds: 86_400, target: 'admin' },
  ],
};

/** Workspace-wide escalation settings: a bomb bounced more than `bounceLimit` times is an ownership dispute. */
export const EscalationSettingsSchema = z.strictObject({
  bounceLimit: z.number().int().min(1).max(100),
});
export type EscalationSettings = z.infer<typeof EscalationSettingsSchema>;
export const DEFAULT_ESCALATION_SETTINGS: EscalationSettings = { bounceLimit: 3 };

export const DepartmentParamsSchema = z.strictObject({ id: IdSchema });
