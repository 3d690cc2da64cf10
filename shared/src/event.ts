import { z } from 'zod';
import { IdSchema, TimeSchema } from './common.ts';

export const EVENT_TYPES = [
  'bomb.filed',
  'bomb.routed',
  'bomb.claimed',
  'bomb.declined',
  'bomb.rerouted',
  'bomb.commented',
  'bomb.helper_joined',
  'bomb.helper_left',
  'bomb.status_changed',
  'bomb.escalated',
  'bomb.disputed',
  'bomb.clock_paused',
  'bomb.clock_resumed',
  'person.isolation_changed',
  'person.buddy_assigned',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EventSchema = z.object({
  /** Strictly increasing, in commit order. JSON numbers are exact up to 2^53. */
  seq: z.number().int(),
  type: z.enum(EVENT_TYPES),
  bombId: IdSchema.nullable(),
  /** The person an event is about, for person.* events. */
  personId: IdSchema.nullable(),
  actorId: IdSchema.nullable(),
  at: TimeSchema,
  data: z.record(z.string(), z.unknown()),
});
export type DefuseEvent = z.infer<typeof EventSchema>;

export const EventsQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export const EventsResponseSchema = z.object({ events: z.array(EventSchema), lastSeq: z.number().int() });
