import { bombs, ownershipSpans } from '@defuse/drizzle';
import { CATEGORIES, type Category, type OwnershipGap } from '@defuse/shared';
import { and, eq, gte, isNull, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import type { Viewer } from '../viewer.ts';
import { bombKeysFor, keysOf } from './bomb-keys.ts';
import { visibleTo } from './bombs.ts';

/** A category is reported when its trouble rate is this many times the rate of all categories… */
export const GAP_RATIO = 1.5;
/** …and it had at least this many routings in the window (two bounces of three bombs prove little). */
export const GAP_MIN_ROUTED = 3;
const GAP_BOMBS = 20;

const CATEGORY_LABEL: Record<Category, { ja: string; en: string }> = {
  shipping: { ja: '配送', en: 'shipping' },
  manual: { ja: 'マニュアル', en: 'manual' },
  stock: { ja: '在庫', en: 'stock' },
  expectation: { ja: '期待値', en: 'expectation' },
  quality: { ja: '品質', en: 'quality' },
  other: { ja: 'その他', en: 'other' },
};

/**
 * Ownership gaps: categories whose bombs are declined, rerouted or left unclaimed past their
 * deadline disproportionately often in the window. Reads ownership spans routed in the window
 * (ownership_spans_department covers routed_at) and the open, overdue bombs filed in it; only the
 * bombs the viewer may read (pms and admins read all, and pay for no join).
 */
export async function listOwnershipGaps(db: DbOrTx, viewer: Viewer, days: number, now: Date) {
  const since = new Date(now.getTime() - days * 86_400_000);
  const visible = visibleTo(viewer);
  const spanQuery = db
    .select({
      category: ownershipSpans.category,
      routed: sql<number>`count(*)::int`,
      declined: sql<number>`(count(*) filter (where ${ownershipSpans.endReason} = 'declined'))::int`,
      rerouted: sql<number>`(count(*) filter (where ${ownershipSpans.endReason} = 'rerouted'))::int`,
      bombIds: sql<
        string[]
      >`coalesce((array_agg(distinct ${ownershipSpans.bombId}) filter (where ${ownershipSpans.endReason} in ('declined', 'rerouted')))[1:${GAP_BOMBS}], '{}')`,
    })
    .from(ownershipSpans)
    .$dynamic();
  const spans = await (visible === undefined
    ? spanQuery.where(gte(ownershipSpans.routedAt, since))
    : spanQuery
        .innerJoin(bombs, eq(bombs.id, ownershipSpans.bombId))
        .where(and(gte(ownershipSpans.routedAt, since), visible))
  ).groupBy(ownershipSpans.category);
  const overdue = await db
    .select({
      category: bombs.category,
      count: sql<number>`count(*)::int`,
      bombIds: sql<string[]>`(array_agg(${bombs.id}))[1:${GAP_BOMBS}]`,
    })
    .from(bombs)
    .where(
      and(
        eq(bombs.status, 'open'),
        isNull(bombs.assigneeId),
        lt(bombs.claimDueAt, now),
        gte(bombs.createdAt, since),
        visible,
      ),
    )
    .groupBy(bombs.category);
  const rows = CATEGORIES.map((category) => {
    const s = spans.find((x) => x.category === category);
    const o = overdue.find((x) => x.category === category);
    return {
      category,
      routed: s?.routed ?? 0,
      declined: s?.declined ?? 0,
      rerouted: s?.rerouted ?? 0,
      unclaimedOverdue: o?.count ?? 0,
      bombIds: [...new Set([...(s?.bombIds ?? []), ...(o?.bombIds ?? [])])].slice(0, GAP_BOMBS),
    };
  });
  const keys = await bombKeysFor(
    db,
    viewer,
    rows.flatMap((r) => r.bombIds),
  );
  const trouble = (r: (typeof rows)[number]) => r.declined + r.rerouted + r.unclaimedOverdue;
  const routedAll = rows.reduce((a, r) => a + r.routed, 0);
  const overallRate = routedAll === 0 ? 0 : rows.reduce((a, r) => a + trouble(r), 0) / routedAll;
  const categories: OwnershipGap[] = rows
    .map((r) => {
      const rate = r.routed === 0 ? 0 : trouble(r) / r.routed;
      const ratio = overallRate === 0 ? 0 : rate / overallRate;
      const flagged = r.routed >= GAP_MIN_ROUTED && rate > 0 && ratio >= GAP_RATIO;
      const label = CATEGORY_LABEL[r.category];
      const pct = Math.round(rate * 100);
      const messages = {
        ja: `${label.ja}: ${r.routed}件中、差し戻し${r.declined}件・転送${r.rerouted}件・期限切れ未受付${r.unclaimedOverdue}件（${pct}%、全体の${ratio.toFixed(1)}倍）`,
        en: `${label.en}: of ${r.routed} routed, ${r.declined} declined, ${r.rerouted} rerouted, ${r.unclaimedOverdue} unclaimed past deadline (${pct}%, ${ratio.toFixed(1)}× the overall rate)`,
      };
      return {
        ...r,
        bombKeys: keysOf(r.bombIds, keys),
        rate,
        ratio,
        flagged,
        message: messages[viewer.locale],
        messages,
      };
    })
    .sort((a, b) => Number(b.flagged) - Number(a.flagged) || b.rate - a.rate);
  return { generatedAt: now.toISOString(), days, overallRate, categories };
}
