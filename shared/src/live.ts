import { z } from 'zod';
import { EventSchema } from './events/index.ts';
import { NotificationSchema } from './notification.ts';

/** Bumped on any incompatible change to the messages below. */
export const LIVE_PROTOCOL_VERSION = 1;

/** Close codes of /api/live: 4401 the session ended (sign in again, do not retry); others retry with backoff. */
export const LIVE_CLOSE = {
  goingAway: 1001,
  policy: 1008,
  tooBig: 1009,
  serverError: 1011,
  sessionEnded: 4401,
} as const;

export const LiveQuerySchema = z.strictObject({ after: z.coerce.number().int().min(0).optional() });

export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), lastSeq: z.number().int(), protocol: z.number().int() }),
  z.object({ type: z.literal('event'), event: EventSchema }),
  /** A new item in this person's inbox (only ever sent to that person's sockets). */
  z.object({ type: z.literal('notification'), notification: NotificationSchema }),
  /** The requested resume point is older than the server keeps: reload everything. */
  z.object({ type: z.literal('resync') }),
  z.object({ type: z.literal('pong') }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

export const ClientMessageSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('ping') })]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
