import { z } from 'zod';
import { IdSchema, TimeSchema } from './common.ts';
import { CATEGORIES, ROOT_CAUSES } from './enums.ts';

export const FeedbackQuerySchema = z.strictObject({ days: z.coerce.number().int().min(1).max(365).default(30) });
export const ProductParamsSchema = z.strictObject({ id: IdSchema });

export const FeedbackCauseSchema = z.object({
  rootCause: z.enum(ROOT_CAUSES),
  category: z.enum(CATEGORIES),
  count: z.number().int(),
  /** The same cause and category in the window before this one. */
  previousCount: z.number().int(),
  trend: z.enum(['up', 'down', 'flat']),
  bombIds: z.array(IdSchema),
  bombKeys: z.array(z.string()),
  /** "manual_unclear ×7 in 30 days, up from 2", in both languages. */
  message: z.string(),
  messages: z.object({ ja: z.string(), en: z.string() }),
});
export type FeedbackCause = z.infer<typeof FeedbackCauseSchema>;

const Seconds = z.number().nullable();
export const OwnershipTimeSchema = z.object({
  departmentId: IdSchema,
  departmentName: z.string(),
  category: z.enum(CATEGORIES),
  spans: z.number().int(),
  claimMedianSeconds: Seconds,
  claimP90Seconds: Seconds,
  resolveMedianSeconds: Seconds,
  resolveP90Seconds: Seconds,
});
export type OwnershipTime = z.infer<typeof OwnershipTimeSchema>;

export const FeedbackResponseSchema = z.object({
  productId: IdSchema,
  days: z.number().int(),
  since: TimeSchema,
  generatedAt: TimeSchema,
  causes: z.array(FeedbackCauseSchema),
  ownership: z.array(OwnershipTimeSchema),
});
export type FeedbackResponse = z.infer<typeof FeedbackResponseSchema>;
