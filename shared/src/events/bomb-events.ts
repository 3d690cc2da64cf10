import { z } from 'zod';
import { BombSchema } from '../bomb.ts';
import { IdSchema, TimeSchema } from '../common.ts';
import { ESCALATION_REASONS, ROOT_CAUSES, STATUSES, TIER_TARGETS } from '../enums.ts';

/**
 * The `data` of each bomb.* event. Every bomb event carries the bomb after the change in `bomb`;
 * the rest is what the change was, so a reader never has to guess a field's name.
 */
const withBomb = <T extends z.ZodRawShape>(shape: T) => z.object({ bomb: BombSchema, ...shape });

const FallbackReasonSchema = z.enum(['no_rule_matched', 'department_empty']).nullable();

/** A decline and a reroute say the same things: where from, where to, why, and the bounce count. */
const bounceShape = {
  reason: z.string(),
  fromDepartmentId: IdSchema.nullable(),
  toDepartmentId: IdSchema,
  fallbackReason: FallbackReasonSchema,
  bounces: z.number().int(),
  /** A pm or admin rerouting a disputed bomb settles the dispute. */
  disputeSettled: z.literal(true).optional(),
};

export const BOMB_EVENT_DATA = {
  'bomb.filed': withBomb({}),
  'bomb.routed': withBomb({
    departmentId: IdSchema,
    ruleIndex: z.number().int().nullable(),
    fallbackReason: FallbackReasonSchema,
    skippedDepartmentId: IdSchema.nullable(),
    /** The person the matching rule names; `assigneeSkipped` when they no longer belong there. */
    assigneeId: IdSchema.nullable(),
    assigneeSkipped: z.literal(true).optional(),
  }),
  'bomb.claimed': withBomb({
    assigneeId: IdSchema,
    /** Claimed at filing on behalf of the person a routing rule names. */
    onBehalf: z.literal(true).optional(),
    ruleIndex: z.number().int().nullable().optional(),
  }),
  'bomb.declined': withBomb({ ...bounceShape, suggestedDepartmentId: IdSchema.nullable() }),
  'bomb.rerouted': withBomb(bounceShape),
  'bomb.commented': withBomb({ body: z.string() }),
  /** Someone joined on their own (`personId`), or a pm placed a buddy (`helperId`, `via: buddy`). */
  'bomb.helper_joined': z.union([
    withBomb({ personId: IdSchema }),
    withBomb({ helperId: IdSchema, via: z.literal('buddy'), forPersonId: IdSchema }),
  ]),
  'bomb.helper_left': withBomb({ personId: IdSchema }),
  'bomb.status_changed': withBomb({
    from: z.enum(STATUSES),
    to: z.enum(STATUSES),
    note: z.string().optional(),
    rootCause: z.enum(ROOT_CAUSES).optional(),
    /** A resolved or closed bomb sent back (a bounce); `bounces` is the count after it. */
    reopened: z.literal(true).optional(),
    bounces: z.number().int().optional(),
    /** The assignee let go of a claimed bomb. */
    released: z.literal(true).optional(),
  }),
  'bomb.escalated': withBomb({
    tier: z.number().int(),
    target: z.enum(TIER_TARGETS),
    reason: z.enum(ESCALATION_REASONS),
    deadlineAt: TimeSchema,
    dueAt: TimeSchema,
  }),
  'bomb.disputed': withBomb({
    reason: z.enum(['cycle', 'bounce_limit']),
    bounces: z.number().int(),
    target: z.literal('pm'),
  }),
  'bomb.clock_paused': withBomb({}),
  'bomb.clock_resumed': withBomb({ pausedSeconds: z.number() }),
} as const;
