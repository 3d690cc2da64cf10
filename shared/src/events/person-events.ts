import { z } from 'zod';
import { IdSchema } from '../common.ts';
import { ISOLATION_STATES } from '../enums.ts';
import { IsolationReasonSchema } from '../isolation.ts';

/** The `data` of each person.* event: the event's `personId` names whom it is about. */
export const PERSON_EVENT_DATA = {
  'person.isolation_changed': z.object({
    state: z.enum(ISOLATION_STATES),
    previousState: z.enum(ISOLATION_STATES),
    score: z.number(),
    /** In the person's own language at the time of the change. */
    reasons: z.array(IsolationReasonSchema),
  }),
  'person.buddy_assigned': z.object({
    personId: IdSchema,
    buddyId: IdSchema,
    assignedById: IdSchema,
    bombIds: z.array(IdSchema),
  }),
} as const;
