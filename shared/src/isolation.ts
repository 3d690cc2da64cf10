import { z } from 'zod';
import { IdSchema, TimeSchema } from './common.ts';
import { ISOLATION_STATES, ROLES } from './enums.ts';

const seconds = z.number().int().min(1).max(31_536_000);

export const IsolationSettingsSchema = z.strictObject({
  silenceSeconds: seconds,
  breadthWindowSeconds: seconds,
  trendWindowSeconds: seconds,
  watchScore: z.number().min(0).max(100),
  isolatedScore: z.number().min(0).max(100),
  bounceLimit: z.number().int().min(1).max(100),
});
export type IsolationSettings = z.infer<typeof IsolationSettingsSchema>;

export const DEFAULT_ISOLATION_SETTINGS: IsolationSettings = {
  silenceSeconds: 2 * 86_400,
  breadthWindowSeconds: 14 * 86_400,
  trendWindowSeconds: 7 * 86_400,
  watchScore: 35,
  isolatedScore: 65,
  bounceLimit: 3,
};

export const IsolationReasonSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** The same reason in both languages, so a client can switch without asking again. */
  messages: z.object({ ja: z.string(), en: z.string() }),
  bombIds: z.array(IdSchema),
});
export type IsolationReason = z.infer<typeof IsolationReasonSchema>;

export const IsolationEntrySchema = z.object({
  personId: IdSchema,
  name: z.string(),
  role: z.enum(ROLES),
  state: z.enum(ISOLATION_STATES),
  score: z.number().min(0).max(100),
  signals: z
    .object({
      load: z.number(),
      openBombs: z.number().int(),
      maxWaitingSeconds: z.number(),
      silentBombs: z.number().int(),
      bounces: z.number().int(),
      breadth: z.number().int(),
      trend: z.number(),
    })
    .catchall(z.number()),
  reasons: z.array(IsolationReasonSchema),
});
export type IsolationEntry = z.infer<typeof IsolationEntrySchema>;

export const IsolationResponseSchema = z.object({ generatedAt: TimeSchema, people: z.array(IsolationEntrySchema) });
