import { z } from 'zod';
import { IdSchema, TimeSchema } from './common.ts';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One notification to a department's webhook (Slack-compatible `{text}`), with its attempts. */
export const WebhookDeliverySchema = z.object({
  id: IdSchema,
  departmentId: IdSchema,
  eventSeq: z.number().int(),
  url: z.string(),
  payload: z.object({ text: z.string() }),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: TimeSchema,
  lastError: z.string().nullable(),
  createdAt: TimeSchema,
  deliveredAt: TimeSchema.nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const ListWebhookDeliveriesQuerySchema = z.strictObject({
  departmentId: IdSchema.optional(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListWebhookDeliveriesQuery = z.infer<typeof ListWebhookDeliveriesQuerySchema>;

export const WebhookDeliveriesResponseSchema = z.object({ items: z.array(WebhookDeliverySchema) });
