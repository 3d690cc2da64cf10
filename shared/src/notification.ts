import { z } from 'zod';
import { IdSchema, TimeSchema } from './common.ts';

/** What a person may hear about (docs/api.md "Notifications"). */
export const NOTIFICATION_KINDS = [
  'routed',
  'assigned',
  'question',
  'answered',
  'commented',
  'mentioned',
  'resolved',
  'escalated',
  'buddy',
  'isolation',
  'lesson_shipped',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NotificationSchema = z.object({
  id: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  bombId: IdSchema.nullable(),
  /** The bomb's human key (SHIP-12), so the board links by key without another read. */
  bombKey: z.string().nullable(),
  lessonId: IdSchema.nullable(),
  at: TimeSchema,
  readAt: TimeSchema.nullable(),
  /** Rendered in the reader's language. */
  title: z.string(),
  body: z.string(),
});
export type Notification = z.infer<typeof NotificationSchema>;

export const NotificationsQuerySchema = z.strictObject({
  unread: z.enum(['true', 'false']).optional(),
  cursor: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});
export const NotificationsResponseSchema = z.object({
  items: z.array(NotificationSchema),
  nextCursor: z.string().nullable(),
  unreadCount: z.number().int(),
});

/** `{ids}` or `{all: true}`: one strict object (so unknown fields are refused), exactly one of the two. */
export const MarkReadSchema = z
  .strictObject({
    ids: z
      .array(
        z
          .string()
          .max(18)
          .regex(/^\d{1,18}$/, 'a notification id'),
      )
      .min(1)
      .max(500)
      .optional(),
    all: z.literal(true).optional(),
  })
  .refine((b) => (b.ids === undefined) !== (b.all === undefined), 'send either ids or all: true');
export type MarkRead = z.infer<typeof MarkReadSchema>;

const HHMM = z
  .string()
  .max(5)
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (00:00–23:59)');
const TimeZoneSchema = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as Asia/Tokyo');
const KindsSchema = z.array(z.enum(NOTIFICATION_KINDS)).max(NOTIFICATION_KINDS.length);

export const DIGESTS = ['off', 'hourly', 'daily'] as const;
export type Digest = (typeof DIGESTS)[number];

export const NotificationPreferencesSchema = z.strictObject({
  email: z.strictObject({ kinds: KindsSchema, digest: z.enum(DIGESTS) }),
  push: z.strictObject({ kinds: KindsSchema }),
  quietHours: z.strictObject({ from: HHMM, to: HHMM, timeZone: TimeZoneSchema }).nullable(),
});
export type NotificationPreferences = z.infer<typeof NotificationPreferencesSchema>;
export type QuietHours = NonNullable<NotificationPreferences['quietHours']>;

/** What goes out at once unless a person says otherwise; the rest stay in the inbox. */
const AT_ONCE: NotificationKind[] = [
  'mentioned',
  'question',
  'resolved',
  'assigned',
  'escalated',
  'buddy',
  'lesson_shipped',
];
export const DEFAULT_NOTIFICATION_PREFERENCES: NotificationPreferences = {
  email: { kinds: AT_ONCE, digest: 'off' },
  push: { kinds: AT_ONCE },
  quietHours: null,
};

export const NOTIFICATION_DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'dropped'] as const;

/** One row of the admin delivery log: a notification leaving the board by one channel. */
export const NotificationDeliverySchema = z.object({
  id: IdSchema,
  channel: z.string(),
  status: z.enum(NOTIFICATION_DELIVERY_STATUSES),
  personId: IdSchema,
  eventSeq: z.number().int(),
  kind: z.enum(NOTIFICATION_KINDS),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: TimeSchema,
  nextAttemptAt: TimeSchema,
  sentAt: TimeSchema.nullable(),
});
export type NotificationDelivery = z.infer<typeof NotificationDeliverySchema>;

export const NotificationDeliveriesQuerySchema = z.strictObject({
  status: z.enum(NOTIFICATION_DELIVERY_STATUSES).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const NotificationDeliveriesResponseSchema = z.object({
  items: z.array(NotificationDeliverySchema),
  nextCursor: z.string().nullable(),
});
