import { bombs, departments, ownershipSpans, products } from '@defuse/drizzle';
import type { FeedbackCause, FeedbackResponse, OwnershipTime } from '@defuse/shared';
import { and, eq, gte, isNotNull, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import { notFound } from '../errors.ts';
import type { Viewer } from '../viewer.ts';
import { visibleTo } from './bombs.ts';

const CAUSE_BOMBS = 50;

/**
 * @example trendOf(7, 2) // 'up'
 * @example trendOf(2, 2) // 'flat'
 */
export const trendOf = (count: number, previous: number): FeedbackCause['trend'] =>
  count > previous ? 'up' : count < previous ? 'down' : 'flat';

/** "manual_unclear ×7 in 30 days, up from 2" and its Japanese twin. */
export function causeMessages(rootCause: string, count: number, previous: number, days: number) {
  const trend = trendOf(count, previous);
  const en = { up: `up from ${previous}`, down: `down from ${previous}`, flat: `same as the ${days} days before` }[
    trend
  ];
  const ja = { up: `前期間の${previous}件から増加`, down: `前期間の${previous}件から減少`, flat: '前期間と同じ' }[
    trend
  ];
  return { ja: `${rootCause} ×${count}（${days}日間、${ja}）`, en: `${rootCause} ×${count} in ${days} days, ${en}` };
}

const seconds = (expr: ReturnType<typeof sql>) => sql<number | null>`${expr}`;

/**
 * Lessons for a product's schedule: root causes of the bombs resolved in the last `days`, ranked,
 * against the window before; plus how long each department took to claim and resolve them.
 * Reads bombs_product (product_id, resolved_at) and the spans of the product's bombs. Counts and
 * names only the bombs the viewer may read (a restricted one stays out of a lead's lessons).
 */
export async function productFeedback(
  db: DbOrTx,
  viewer: Viewer,
  productId: string,
  days: number,
  now: Date,
): Promise<FeedbackResponse> {
  const locale = viewer.locale;
  const visible = visibleTo(viewer);
  const [product] = await db.select({ id: products.id }).from(products).where(eq(products.id, productId));
  if (!product) throw notFound('No such product');
  const since = new Date(now.getTime() - days * 86_400_000);
  const previousSince = new Date(since.getTime() - days * 86_400_000);
  // A bare Date in raw sql is not serialised by drizzle over postgres.js: send it as text, cast.
  const current = sql`${bombs.resolvedAt} >= ${since.toISOString()}::timestamptz`;
  const rows = await db
    .select({
      rootCause: bombs.rootCause,
      category: bombs.category,
      count: sql<number>`(count(*) filter (where ${current}))::int`,
      previousCount: sql<number>`(count(*) filter (where not (${current})))::int`,
      bombIds: sql<
        string[]
      >`coalesce((array_agg(${bombs.id} order by ${bombs.resolvedAt} desc) filter (where ${current}))[1:${CAUSE_BOMBS}], '{}')`,
      bombKeys: sql<
        string[]
      >`coalesce((array_agg(${bombs.key} order by ${bombs.resolvedAt} desc) filter (where ${current}))[1:${CAUSE_BOMBS}], '{}')`,
    })
    .from(bombs)
    .where(
      and(
        eq(bombs.productId, productId),
        gte(bombs.resolvedAt, previousSince),
        lt(bombs.resolvedAt, now),
        isNotNull(bombs.rootCause),
        visible,
      ),
    )
    .groupBy(bombs.rootCause, bombs.category);
  const causes: FeedbackCause[] = rows
    .flatMap((r) => {
      if (!r.rootCause) return [];
      const messages = causeMessages(r.rootCause, r.count, r.previousCount, days);
      return [
        {
          rootCause: r.rootCause,
          category: r.category,
          count: r.count,
          previousCount: r.previousCount,
          trend: trendOf(r.count, r.previousCount),
          bombIds: r.bombIds,
          bombKeys: r.bombKeys,
          message: messages[locale],
          messages,
        },
      ];
    })
    .sort((a, b) => b.count - a.count || b.previousCount - a.previousCount || a.rootCause.localeCompare(b.rootCause));

  const claim = sql`extract(epoch from ${ownershipSpans.claimedAt} - ${ownershipSpans.routedAt})`;
  // The span that held the bomb when it was resolved: claimed, routed before, not ended by a bounce.
  const resolvedHere = sql`${ownershipSpans.claimedAt} is not null and ${bombs.resolvedAt} >= ${ownershipSpans.routedAt} and (${ownershipSpans.endedAt} is null or ${ownershipSpans.endReason} = 'resolved')`;
  const resolve = sql`extract(epoch from ${bombs.resolvedAt} - ${ownershipSpans.routedAt}) - ${ownershipSpans.pausedSeconds}`;
  const spans = await db
    .select({
      departmentId: ownershipSpans.departmentId,
      departmentName: departments.name,
      category: ownershipSpans.category,
      spans: sql<number>`count(*)::int`,
      claimMedianSeconds: seconds(sql`percentile_cont(0.5) within group (order by ${claim})`),
      claimP90Seconds: seconds(sql`percentile_cont(0.9) within group (order by ${claim})`),
      resolveMedianSeconds: seconds(
        sql`percentile_cont(0.5) within group (order by ${resolve}) filter (where ${resolvedHere})`,
      ),
      resolveP90Seconds: seconds(
        sql`percentile_cont(0.9) within group (order by ${resolve}) filter (where ${resolvedHere})`,
      ),
    })
    .from(ownershipSpans)
    .innerJoin(bombs, eq(bombs.id, ownershipSpans.bombId))
    .innerJoin(departments, eq(departments.id, ownershipSpans.departmentId))
    .where(
      and(
        eq(bombs.productId, productId),
        gte(ownershipSpans.routedAt, since),
        lt(ownershipSpans.routedAt, now),
        visible,
      ),
    )
    .groupBy(ownershipSpans.departmentId, departments.name, ownershipSpans.category)
    .orderBy(departments.name, ownershipSpans.category);
  const num = (v: number | string | null) => (v === null ? null : Math.round(Number(v)));
  const ownership: OwnershipTime[] = spans.map((s) => ({
    ...s,
    claimMedianSeconds: num(s.claimMedianSeconds),
    claimP90Seconds: num(s.claimP90Seconds),
    resolveMedianSeconds: num(s.resolveMedianSeconds),
    resolveP90Seconds: num(s.resolveP90Seconds),
  }));
  return { productId, days, since: since.toISOString(), generatedAt: now.toISOString(), causes, ownership };
}
