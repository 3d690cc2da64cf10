import { z } from 'zod';
import { BombSchema } from './bomb.ts';
import { IdSchema } from './common.ts';
import { CATEGORIES } from './enums.ts';

export const DashboardQuerySchema = z.strictObject({
  /** Escalations a page at a time, most escalated first; the rest follows with `cursor=` the page's `nextCursor`. */
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type DashboardQuery = z.infer<typeof DashboardQuerySchema>;

/** Open bombs (open, claimed, waiting) of one department and category; `load` weighs them by severity. */
export const HeatmapCellSchema = z.object({
  departmentId: IdSchema.nullable(),
  category: z.enum(CATEGORIES),
  open: z.number().int(),
  load: z.number(),
});

export const DepartmentLoadSchema = z.object({
  departmentId: IdSchema.nullable(),
  open: z.number().int(),
  /** Open past its claim deadline, or claimed past its resolve deadline (waiting stands still). */
  overdue: z.number().int(),
  medianAgeSeconds: z.number(),
  oldestAgeSeconds: z.number(),
});

export const DashboardResponseSchema = z.object({
  heatmap: z.array(HeatmapCellSchema),
  departments: z.array(DepartmentLoadSchema),
  /** Unresolved bombs past tier 0 or disputed, highest tier first. */
  escalations: z.object({ items: z.array(BombSchema), nextCursor: z.string().nullable() }),
});
export type DashboardResponse = z.infer<typeof DashboardResponseSchema>;
export type HeatmapCell = z.infer<typeof HeatmapCellSchema>;
export type DepartmentLoad = z.infer<typeof DepartmentLoadSchema>;
