import type { bombs } from '@defuse/drizzle';
import type { Bomb } from '@defuse/shared';

export type BombRow = typeof bombs.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The public shape of a bomb: explicit fields, never the raw row. */
export function toBomb(r: BombRow): Bomb {
  return {
    id: r.id,
    key: r.key,
    title: r.title,
    description: r.description,
    category: r.category,
    severity: r.severity,
    status: r.status,
    restricted: r.restricted,
    productId: r.productId,
    customer: r.customer,
    filedById: r.filedById,
    departmentId: r.departmentId,
    assigneeId: r.assigneeId,
    helperIds: r.helperIds,
    tier: r.tier,
    bounces: r.bounces,
    disputed: r.disputed,
    rootCause: r.rootCause,
    claimDueAt: iso(r.claimDueAt),
    resolveDueAt: iso(r.resolveDueAt),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    version: r.version,
  };
}
