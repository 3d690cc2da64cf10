/** Every enumerated word of the product, once. zod, pgEnum and the web's labels all read these. */
export const CATEGORIES = ['shipping', 'manual', 'stock', 'expectation', 'quality', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ['low', 'normal', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STATUSES = ['open', 'claimed', 'waiting', 'resolved', 'closed'] as const;
export type Status = (typeof STATUSES)[number];

export const ROLES = ['field', 'member', 'lead', 'pm', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROOT_CAUSES = [
  'manual_unclear',
  'shipping_operations',
  'expectation_mismatch',
  'production_capacity',
  'product_defect',
  'customer_side',
  'other',
] as const;
export type RootCause = (typeof ROOT_CAUSES)[number];

export const LOCALES = ['ja', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const TIER_TARGETS = ['lead', 'pm', 'admin'] as const;
export type TierTarget = (typeof TIER_TARGETS)[number];

export const ESCALATION_REASONS = ['claim_overdue', 'resolve_overdue', 'claimed_idle'] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

export const PRODUCT_STAGES = ['concept', 'pilot', 'launch', 'ga', 'sunset'] as const;
export type ProductStage = (typeof PRODUCT_STAGES)[number];

export const ISOLATION_STATES = ['ok', 'watch', 'isolated'] as const;
export type IsolationState = (typeof ISOLATION_STATES)[number];

/** Severity weights of the load signal: how much each open bomb weighs on its carrier. */
export const SEVERITY_WEIGHT: Record<Severity, number> = { low: 0.5, normal: 1, high: 2, critical: 4 };

/** Short prefixes of human bomb keys: SHIP-12, MAN-3 … */
export const CATEGORY_KEY_PREFIX: Record<Category, string> = {
  shipping: 'SHIP',
  manual: 'MAN',
  stock: 'STK',
  expectation: 'EXP',
  quality: 'QUAL',
  other: 'OTH',
};
