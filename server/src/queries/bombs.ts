import { bombs } from '@defuse/drizzle';
import { type Bomb, type ListBombsQuery, STATUSES } from '@defuse/shared';
import { and, asc, desc, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, unionAll } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { DbOrTx } from '../db/types.ts';
import { isManager, type Viewer } from '../viewer.ts';
import { type BombRow, toBomb } from './bomb-row.ts';
import { cursorId, decodeCursor, encodeCursor } from './cursor.ts';

/**
 * Who may read a bomb, as a WHERE condition: everyone signed in reads unrestricted bombs; a
 * restricted one only its filer, assignee, helpers, routed department, pms and admins.
 */
export function visibleTo(viewer: Viewer): SQL | undefined {
  if (isManager(viewer)) return undefined;
  const conditions: SQL[] = [
    eq(bombs.restricted, false),
    eq(bombs.filedById, viewer.id),
    eq(bombs.assigneeId, viewer.id),
    sql`${viewer.id}::uuid = any(${bombs.helperIds})`,
  ];
  if (viewer.departmentIds.length > 0) conditions.push(inArray(bombs.departmentId, viewer.departmentIds));
  return or(...conditions);
}

export async function findVisibleBomb(db: DbOrTx, viewer: Viewer, id: string): Promise<BombRow | undefined> {
  const [row] = await db
    .select()
    .from(bombs)
    .where(and(eq(bombs.id, id), visibleTo(viewer)))
    .limit(1);
  return row;
}

/** For changes: the row locked until the transaction ends, so no two changes interleave. */
export async function lockVisibleBomb(db: DbOrTx, viewer: Viewer, id: string): Promise<BombRow | undefined> {
  const [row] = await db
    .select()
    .from(bombs)
    .where(and(eq(bombs.id, id), visibleTo(viewer)))
    .limit(1)
    .for('update');
  return row;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The last row's sort value (created, or claim deadline with none as null) and id. */
const BombCursorSchema = z.object({ v: z.iso.datetime().nullable(), id: cursorId });

/** Timestamps inside `sql` go as ISO text with a cast: postgres.js does not serialise a bare Date there. */
const at = (iso: string) => sql`${iso}::timestamptz`;
/** Written into the statement, not bound: the claim-deadline key must be the very expression bombs_department_queue indexes. */
const INFINITY = sql`'infinity'::timestamptz`;
const bound = (v: string | null) => (v === null ? INFINITY : at(v));
const claimDue = (column: AnyPgColumn) => sql`coalesce(${column}, ${INFINITY})`;

/** The list's filters other than status, sort and cursor: what a page and the total share. */
function listFilters(viewer: Viewer, query: ListBombsQuery): (SQL | undefined)[] {
  const where: (SQL | undefined)[] = [visibleTo(viewer)];
  if (query.departmentId) where.push(eq(bombs.departmentId, query.departmentId));
  if (query.filedById) where.push(eq(bombs.filedById, query.filedById));
  if (query.assigneeId) where.push(eq(bombs.assigneeId, query.assigneeId));
  if (query.category) where.push(eq(bombs.category, query.category));
  if (query.productId) where.push(eq(bombs.productId, query.productId));
  if (query.q) {
    const pattern = `%${escapeLike(query.q)}%`;
    where.push(or(ilike(bombs.title, pattern), ilike(bombs.description, pattern), ilike(bombs.key, pattern)));
  }
  return where;
}

/** How many bombs the whole list holds, so a board can say "200 of 1,000" while it pages. */
async function countBombs(db: DbOrTx, viewer: Viewer, query: ListBombsQuery): Promise<number> {
  const where = listFilters(viewer, query);
  if (query.status && query.status.length > 0) where.push(inArray(bombs.status, query.status));
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(bombs)
    .where(and(...where));
  return row?.n ?? 0;
}

/**
 * The statement behind a page of GET /api/bombs: keyset pagination over an allow-listed sort, so
 * no request reads a whole list. A department's queue by claim deadline is one ordered range of
 * bombs_department_queue per status, merged: the planner cannot walk several statuses of that
 * index in deadline order at once, and sorting them all would read every carried bomb of the
 * department (measured in tests/bench/growth).
 */
export function bombListQuery(db: DbOrTx, viewer: Viewer, query: ListBombsQuery) {
  const where = listFilters(viewer, query);
  const statuses = query.status && query.status.length > 0 ? query.status : undefined;
  const cursor = query.cursor ? decodeCursor(query.cursor, BombCursorSchema) : undefined;
  const take = query.limit + 1;

  if (query.sort !== 'claimDue') {
    if (statuses) where.push(inArray(bombs.status, statuses));
    if (cursor) where.push(sql`(${bombs.createdAt}, ${bombs.id}) < (${bound(cursor.v)}, ${cursor.id}::uuid)`);
    return db
      .select()
      .from(bombs)
      .where(and(...where))
      .orderBy(desc(bombs.createdAt), desc(bombs.id))
      .limit(take);
  }
  if (cursor) where.push(sql`(${claimDue(bombs.claimDueAt)}, ${bombs.id}) > (${bound(cursor.v)}, ${cursor.id}::uuid)`);
  const inOrder = (status: SQL | undefined) =>
    db
      .select()
      .from(bombs)
      .where(and(...where, status))
      .orderBy(asc(claimDue(bombs.claimDueAt)), asc(bombs.id))
      .limit(take);
  const [first, second, ...rest] = query.departmentId
    ? (statuses ?? STATUSES).map((s) => inOrder(eq(bombs.status, s)))
    : [inOrder(statuses && inArray(bombs.status, statuses))];
  if (!first || !second) return first ?? inOrder(undefined);
  const merged = unionAll(first, second, ...rest).as('queue');
  return db
    .select()
    .from(merged)
    .orderBy(asc(claimDue(merged.claimDueAt)), asc(merged.id))
    .limit(take);
}

export async function listBombs(
  db: DbOrTx,
  viewer: Viewer,
  query: ListBombsQuery,
): Promise<{ items: Bomb[]; nextCursor: string | null; total?: number }> {
  const rows: BombRow[] = await bombListQuery(db, viewer, query);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? encodeCursor({
          v: query.sort === 'claimDue' ? (last.claimDueAt?.toISOString() ?? null) : last.createdAt.toISOString(),
          id: last.id,
        })
      : null;
  // The first page only: a later page is the same list, and counting it again costs a scan per page.
  if (query.cursor) return { items: page.map(toBomb), nextCursor };
  const total = nextCursor ? await countBombs(db, viewer, query) : page.length;
  return { items: page.map(toBomb), nextCursor, total };
}
