import { z } from 'zod';
import { IdSchema, TimeSchema, text } from './common.ts';
import { CATEGORIES, ISOLATION_STATES, ROLES } from './enums.ts';

const seconds = z.number().int().min(1).max(31_536_000);

/**
 * Thresholds and windows of the isolation signals (times in seconds). The score is a sum of
 * per-signal parts, each reaching its full weight (ISOLATION_WEIGHTS) at the `*High` value below.
 */
export const IsolationSettingsSchema = z
  .strictObject({
    /** A bomb nobody but its carrier acted on for this long is silent (a monologue). */
    silenceSeconds: seconds,
    /** Breadth counts people who acted within this window. */
    breadthWindowSeconds: seconds,
    /** Trend compares load now with load this long ago. */
    trendWindowSeconds: seconds,
    watchScore: z.number().min(0).max(100),
    isolatedScore: z.number().min(0).max(100),
    /** A bomb that bounced this many times is named in the reasons. */
    bounceLimit: z.number().int().min(1).max(100),
    /** A claimed bomb with no action by its assignee for this long is claim-and-sit. */
    idleSeconds: seconds.default(86_400),
    /** A bomb carried alone this long is named in the reasons. */
    soloLongSeconds: seconds.default(5 * 86_400),
    /** Load (severity-weighted) at which the load part is full. */
    loadHigh: z.number().min(0.5).max(10_000).default(10),
    /** Silent bombs at which the silence part is full. */
    silentBombsHigh: z.number().int().min(1).max(10_000).default(3),
    /** Unclaimed bombs past their claim deadline at which the waiting part is full. */
    overdueBombsHigh: z.number().int().min(1).max(10_000).default(2),
    /** Fewer distinct helpers than this (with open bombs) raises the breadth part. */
    breadthLow: z.number().int().min(1).max(1000).default(2),
    /** Load growth over the trend window at which the trend part is full. */
    trendHigh: z.number().min(0.5).max(10_000).default(4),
  })
  .refine((s) => s.watchScore <= s.isolatedScore, {
    path: ['isolatedScore'],
    message: 'must be at least watchScore',
  });
export type IsolationSettings = z.infer<typeof IsolationSettingsSchema>;

export const DEFAULT_ISOLATION_SETTINGS: IsolationSettings = {
  silenceSeconds: 2 * 86_400,
  breadthWindowSeconds: 14 * 86_400,
  trendWindowSeconds: 7 * 86_400,
  watchScore: 35,
  isolatedScore: 65,
  bounceLimit: 3,
  idleSeconds: 86_400,
  soloLongSeconds: 5 * 86_400,
  loadHigh: 10,
  silentBombsHigh: 3,
  overdueBombsHigh: 2,
  breadthLow: 2,
  trendHigh: 4,
};

/** What each signal adds to the 0–100 score at most; they sum to 100. */
export const ISOLATION_WEIGHTS = {
  silence: 30,
  load: 15,
  solo: 10,
  waiting: 15,
  bounces: 10,
  breadth: 10,
  trend: 5,
  claimIdle: 5,
} as const;

export const ISOLATION_REASON_CODES = [
  'silence',
  'solo_long',
  'claim_overdue',
  'bounced',
  'disputed',
  'heavy_load',
  'narrow_breadth',
  'load_rising',
  'claimed_idle',
] as const;
export type IsolationReasonCode = (typeof ISOLATION_REASON_CODES)[number];

export const IsolationReasonSchema = z.object({
  code: z.enum(ISOLATION_REASON_CODES),
  /** In the viewer's locale. */
  message: z.string(),
  /**
   * The same reason in both languages, so a client can switch without asking again: on a
   * person's page and in events; the dashboard list carries the viewer's language only.
   */
  messages: z.object({ ja: z.string(), en: z.string() }).optional(),
  /** The bombs the reason names: up to 50 on a person's page, up to 5 in the dashboard list. */
  bombIds: z.array(IdSchema),
  /** The human key (SHIP-12) of each named bomb the viewer may read, by id: what the board shows. */
  bombKeys: z.record(IdSchema, z.string()).optional(),
  /** How many bombs the reason is about, when there are more than `bombIds` shows. */
  bombCount: z.number().int(),
});
export type IsolationReason = z.infer<typeof IsolationReasonSchema>;

export const IsolationSignalsSchema = z
  .object({
    load: z.number(),
    openBombs: z.number().int(),
    maxWaitingSeconds: z.number(),
    overdueBombs: z.number().int(),
    silentBombs: z.number().int(),
    soloCarrySeconds: z.number(),
    maxSoloCarrySeconds: z.number(),
    bounces: z.number().int(),
    disputedBombs: z.number().int(),
    breadth: z.number().int(),
    trend: z.number(),
    claimedIdleBombs: z.number().int(),
  })
  .catchall(z.number());
export type IsolationSignals = z.infer<typeof IsolationSignalsSchema>;

export const IsolationEntrySchema = z.object({
  personId: IdSchema,
  name: z.string(),
  role: z.enum(ROLES),
  state: z.enum(ISOLATION_STATES),
  score: z.number().min(0).max(100),
  signals: IsolationSignalsSchema,
  reasons: z.array(IsolationReasonSchema),
  /** When the stored state was last computed; solo and waiting times are brought up to `generatedAt`. */
  updatedAt: TimeSchema,
});
export type IsolationEntry = z.infer<typeof IsolationEntrySchema>;

export const IsolationQuerySchema = z.strictObject({
  state: z.enum(ISOLATION_STATES).optional(),
  /** A page of the list, highest score first; the rest follows with `cursor=` the page's `nextCursor`. */
  limit: z.coerce.number().int().min(1).max(200).default(200),
  cursor: text().max(200).optional(),
});
export type IsolationQuery = z.infer<typeof IsolationQuerySchema>;

export const IsolationResponseSchema = z.object({
  generatedAt: TimeSchema,
  people: z.array(IsolationEntrySchema),
  /** Where the next page starts; null on the last page. */
  nextCursor: z.string().nullable(),
});

export const IsolationHistoryDaySchema = z.object({
  day: z.iso.date(),
  load: z.number(),
  soloCarrySeconds: z.number(),
  state: z.enum(ISOLATION_STATES),
});
export const IsolationPersonResponseSchema = IsolationEntrySchema.extend({
  generatedAt: TimeSchema,
  history: z.array(IsolationHistoryDaySchema),
});
export type IsolationPersonResponse = z.infer<typeof IsolationPersonResponseSchema>;

export const PersonParamsSchema = z.strictObject({ personId: IdSchema });
export const AssignBuddySchema = z.strictObject({ buddyId: IdSchema });
export const AssignBuddyResponseSchema = z.object({
  personId: IdSchema,
  buddyId: IdSchema,
  bombIds: z.array(IdSchema),
});

export const GapsQuerySchema = z.strictObject({ days: z.coerce.number().int().min(1).max(365).default(30) });
export const OwnershipGapSchema = z.object({
  category: z.enum(CATEGORIES),
  routed: z.number().int(),
  declined: z.number().int(),
  rerouted: z.number().int(),
  unclaimedOverdue: z.number().int(),
  /** (declined + rerouted + unclaimed overdue) / routed. */
  rate: z.number(),
  /** This category's rate over the rate of all categories together. */
  ratio: z.number(),
  flagged: z.boolean(),
  message: z.string(),
  messages: z.object({ ja: z.string(), en: z.string() }),
  bombIds: z.array(IdSchema),
  /** The human key of each named bomb the viewer may read, by id. */
  bombKeys: z.record(IdSchema, z.string()),
});
export const GapsResponseSchema = z.object({
  generatedAt: TimeSchema,
  days: z.number().int(),
  overallRate: z.number(),
  categories: z.array(OwnershipGapSchema),
});
export type OwnershipGap = z.infer<typeof OwnershipGapSchema>;
