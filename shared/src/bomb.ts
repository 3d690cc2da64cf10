import { z } from 'zod';
import { IdSchema, TimeSchema, text, textField } from './common.ts';
import { CATEGORIES, ROOT_CAUSES, SEVERITIES, STATUSES } from './enums.ts';

export const BombSchema = z.object({
  id: IdSchema,
  key: z.string(),
  title: z.string(),
  description: z.string(),
  category: z.enum(CATEGORIES),
  severity: z.enum(SEVERITIES),
  status: z.enum(STATUSES),
  restricted: z.boolean(),
  productId: IdSchema.nullable(),
  customer: z.string().nullable(),
  filedById: IdSchema,
  departmentId: IdSchema.nullable(),
  assigneeId: IdSchema.nullable(),
  helperIds: z.array(IdSchema),
  tier: z.number().int(),
  bounces: z.number().int(),
  /** Set when a bomb cycles between departments or passes the bounce limit: the PM decides. */
  disputed: z.boolean(),
  rootCause: z.enum(ROOT_CAUSES).nullable(),
  claimDueAt: TimeSchema.nullable(),
  resolveDueAt: TimeSchema.nullable(),
  createdAt: TimeSchema,
  updatedAt: TimeSchema,
  version: z.number().int(),
});
export type Bomb = z.infer<typeof BombSchema>;

export const FileBombSchema = z.strictObject({
  title: textField(200),
  description: text().max(10_000).default(''),
  category: z.enum(CATEGORIES),
  severity: z.enum(SEVERITIES),
  productId: IdSchema.nullable().optional(),
  customer: text().trim().max(200).nullable().optional(),
  restricted: z.boolean().default(false),
});
export type FileBomb = z.infer<typeof FileBombSchema>;

/** `status` takes a comma list: `open,claimed`. */
export const ListBombsQuerySchema = z.strictObject({
  status: text()
    .max(200)
    .transform((s) => s.split(',').filter((x) => x !== ''))
    .pipe(z.array(z.enum(STATUSES)).max(STATUSES.length))
    .optional(),
  departmentId: IdSchema.optional(),
  filedById: IdSchema.optional(),
  assigneeId: IdSchema.optional(),
  category: z.enum(CATEGORIES).optional(),
  productId: IdSchema.optional(),
  q: text().trim().max(200).optional(),
  /** `created` (newest first, the default) or `claimDue` (soonest deadline first: a queue). */
  sort: z.enum(['created', 'claimDue']).default('created'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: text().max(500).optional(),
});
export type ListBombsQuery = z.infer<typeof ListBombsQuerySchema>;

export const BombListResponseSchema = z.object({
  items: z.array(BombSchema),
  nextCursor: z.string().nullable(),
  /** How many bombs the whole list holds: on the first page (no cursor) only. */
  total: z.number().int().optional(),
});
export type BombListResponse = z.infer<typeof BombListResponseSchema>;

export const BombParamsSchema = z.strictObject({ id: IdSchema });

export const DeclineSchema = z.strictObject({
  reason: textField(2000),
  suggestedDepartmentId: IdSchema.optional(),
});
export const RerouteSchema = z.strictObject({ departmentId: IdSchema, reason: textField(2000) });
export const CommentSchema = z.strictObject({ body: textField(10_000) });
export const TransitionSchema = z.strictObject({
  to: z.enum(['claimed', 'waiting', 'resolved', 'closed', 'open']),
  rootCause: z.enum(ROOT_CAUSES).optional(),
  note: text().trim().max(2000).optional(),
});
export type Transition = z.infer<typeof TransitionSchema>;

export const BombResponseSchema = z.object({ bomb: BombSchema });

/** Optional `If-Match: <version>` on any bomb action: the change applies only to that version. */
export const IfMatchHeadersSchema = z.looseObject({
  'if-match': z
    .string()
    .max(20)
    .regex(/^\s*(W\/)?"?\d{1,9}"?\s*$/, 'the bomb version, e.g. 7')
    .optional(),
});
