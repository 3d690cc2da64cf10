import { bombs } from '@defuse/drizzle';
import {
  type Bomb,
  type DashboardQuery,
  type DashboardResponse,
  type DepartmentLoad,
  type HeatmapCell,
  SEVERITY_WEIGHT,
} from '@defuse/shared';
import { and, asc, desc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../db/types.ts';
import { forbidden } from '../errors.ts';
import { isManager, type Viewer } from '../viewer.ts';
import { toBomb } from './bomb-row.ts';
import { visibleTo } from './bombs.ts';
import { cursorId, decodeCursor, encodeCursor } from './cursor.ts';

const OPEN_STATUSES = ['open', 'claimed', 'waiting'] as const;

/** The severity weight of a bomb, written into the statement from the one table the board and isolation use. */
const weight = sql`(case ${bombs.severity} ${sql.join(
  Object.entries(SEVERITY_WEIGHT).map(([s, w]) => sql`when ${s} then ${w}::float8`),
  sql` `,
)} end)`;

/**
 * The bombs a dashboard counts: those the viewer may read (the bomb list's own rule), and for a
 * lead only its departments'. Anyone else has no dashboard.
 */
function dashboardScope(viewer: Viewer): SQL | undefined {
  if (isManager(viewer)) return visibleTo(viewer);
  if (viewer.role !== 'lead') throw forbidden('Only pms, admins and leads see the dashboard');
  if (viewer.leadDepartmentIds.length === 0) return sql`false`;
  return and(visibleTo(viewer), inArray(bombs.departmentId, viewer.leadDepartmentIds));
}

/** The last escalation's (tier, id): highest tier first, then by id. */
const EscalationCursorSchema = z.tuple([z.number().int().min(0), cursorId]);

/**
 * GET /api/dashboard: the heatmap, department ages and escalations, computed in SQL over every
 * bomb in scope (at any size, unlike a client summing the first page of a list). Ages run to
 * `now`, the server's clock.
 */
export async function getDashboard(
  db: DbOrTx,
  viewer: Viewer,
  query: DashboardQuery,
  now: Date,
): Promise<DashboardResponse> {
  const scope = dashboardScope(viewer);
  const openInScope = and(scope, inArray(bombs.status, [...OPEN_STATUSES]));
  const at = sql`${now.toISOString()}::timestamptz`;
  const ageSeconds = sql`extract(epoch from (${at} - ${bombs.createdAt}))`;

  const heatmap: HeatmapCell[] = await db
    .select({
      departmentId: bombs.departmentId,
      category: bombs.category,
      open: sql<number>`count(*)::int`,
      load: sql<number>`sum(${weight})::float8`,
    })
    .from(bombs)
    .where(openInScope)
    .groupBy(bombs.departmentId, bombs.category)
    .orderBy(asc(bombs.departmentId), asc(bombs.category));

  const departments: DepartmentLoad[] = await db
    .select({
      departmentId: bombs.departmentId,
      open: sql<number>`count(*)::int`,
      overdue: sql<number>`(count(*) filter (where (${bombs.status} = 'open' and ${bombs.claimDueAt} <= ${at})
        or (${bombs.status} = 'claimed' and ${bombs.resolveDueAt} <= ${at})))::int`,
      medianAgeSeconds: sql<number>`greatest(0, percentile_cont(0.5) within group (order by ${ageSeconds}))::float8`,
      oldestAgeSeconds: sql<number>`greatest(0, max(${ageSeconds}))::float8`,
    })
    .from(bombs)
    .where(openInScope)
    .groupBy(bombs.departmentId)
    .orderBy(asc(bombs.departmentId));

  const escalated: (SQL | undefined)[] = [openInScope, or(sql`${bombs.tier} > 0`, eq(bombs.disputed, true))];
  if (query.cursor) {
    const [tier, id] = decodeCursor(query.cursor, EscalationCursorSchema);
    escalated.push(sql`(${bombs.tier} < ${tier} or (${bombs.tier} = ${tier} and ${bombs.id} > ${id}::uuid))`);
  }
  const rows = await db
    .select()
    .from(bombs)
    .where(and(...escalated))
    .orderBy(desc(bombs.tier), asc(bombs.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const items: Bomb[] = page.map(toBomb);
  return {
    heatmap: heatmap.map((c) => ({ ...c, load: Number(c.load) })),
    departments: departments.map((d) => ({
      ...d,
      medianAgeSeconds: Number(d.medianAgeSeconds),
      oldestAgeSeconds: Number(d.oldestAgeSeconds),
    })),
    escalations: {
      items,
      nextCursor: rows.length > query.limit && last ? encodeCursor([last.tier, last.id]) : null,
    },
  };
}
