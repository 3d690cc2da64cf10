import { z } from 'zod';
import { IdSchema, TimeSchema } from '../common.ts';
import { ADMIN_EVENT_DATA } from './admin-events.ts';
import { BOMB_EVENT_DATA } from './bomb-events.ts';
import { PERSON_EVENT_DATA } from './person-events.ts';

/**
 * Every event type and the one schema of its `data` (docs/api.md "Events"). Adding a type is one entry
 * here (in its section's file); the compiler then asks for its writer's payload and its renderer
 * on the board (describe-event's exhaustive switch).
 */
export const EVENT_DATA = { ...BOMB_EVENT_DATA, ...PERSON_EVENT_DATA, ...ADMIN_EVENT_DATA } as const;
type EventDataSchemas = typeof EVENT_DATA;

export type EventType = keyof EventDataSchemas;
export const EVENT_TYPES = Object.keys(EVENT_DATA) as EventType[];
export type BombEventType = keyof typeof BOMB_EVENT_DATA;
export const isBombEventType = (type: string): type is BombEventType => Object.hasOwn(BOMB_EVENT_DATA, type);
/** admin.* events: the audit trail, seen by admins only. */
export type AdminEventType = keyof typeof ADMIN_EVENT_DATA;
export const isAdminEventType = (type: string): type is AdminEventType => Object.hasOwn(ADMIN_EVENT_DATA, type);

/** The `data` an event of type `T` carries. */
export type EventData<T extends EventType> = z.infer<EventDataSchemas[T]>;

const envelope = {
  /** Strictly increasing, in commit order. JSON numbers are exact up to 2^53. */
  seq: z.number().int(),
  bombId: IdSchema.nullable(),
  /** The person an event is about, for person.* events. */
  personId: IdSchema.nullable(),
  actorId: IdSchema.nullable(),
  at: TimeSchema,
};

const eventSchemaOf = <T extends EventType>(type: T) =>
  z.object({ ...envelope, type: z.literal(type), data: EVENT_DATA[type] });
type EventSchemaOf = { [T in EventType]: ReturnType<typeof eventSchemaOf<T>> }[EventType];

/** `{seq, type, bombId, personId, actorId, at, data}`, `data` checked against its type's schema. */
export const EventSchema = z.discriminatedUnion(
  'type',
  EVENT_TYPES.map(eventSchemaOf) as unknown as [EventSchemaOf, ...EventSchemaOf[]],
);
export type DefuseEvent = z.infer<typeof EventSchema>;
/** The event of type `T`, narrowed: what `switch (event.type)` gives in each case. */
export type EventOf<T extends EventType> = Extract<DefuseEvent, { type: T }>;
export const isBombEvent = (event: DefuseEvent): event is EventOf<BombEventType> => isBombEventType(event.type);
export const isAdminEvent = (event: DefuseEvent): event is EventOf<AdminEventType> => isAdminEventType(event.type);
export type AdminEvent = EventOf<AdminEventType>;

export const EventsQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export const EventsResponseSchema = z.object({ events: z.array(EventSchema), lastSeq: z.number().int() });
export const CommentResponseSchema = z.object({ event: EventSchema });
export const AuditQuerySchema = EventsQuerySchema;
export * from './admin-events.ts';
