import { type Bomb, CATEGORIES, type Category, SEVERITY_WEIGHT } from '@defuse/shared';

export type Heatmap = Map<string, Record<Category, number>>;

const emptyRow = (): Record<Category, number> =>
  Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;

/** Severity-weighted open load per department and category (the weights in shared/src/enums.ts). */
export function heatmapOf(bombs: readonly Bomb[]): Heatmap {
  const map: Heatmap = new Map();
  for (const bomb of bombs) {
    if (bomb.status === 'resolved' || bomb.status === 'closed') continue;
    const key = bomb.departmentId ?? '';
    const row = map.get(key) ?? emptyRow();
    row[bomb.category] += SEVERITY_WEIGHT[bomb.severity];
    map.set(key, row);
  }
  return map;
}

/** 0 for none, 1–4 for quartiles of the largest cell: a color step, readable without the number. */
export function heatLevel(value: number, max: number): number {
  if (value <= 0 || max <= 0) return 0;
  return Math.min(4, Math.ceil((value / max) * 4));
}

/** Median of a list, or null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

/** How long bombs currently owned by each department have been with it: median age of its open bombs. */
export function ownershipAges(bombs: readonly Bomb[], now: number): Map<string, number> {
  const ages = new Map<string, number[]>();
  for (const bomb of bombs) {
    if (!bomb.departmentId || bomb.status === 'resolved' || bomb.status === 'closed') continue;
    const list = ages.get(bomb.departmentId) ?? [];
    list.push(now - Date.parse(bomb.createdAt));
    ages.set(bomb.departmentId, list);
  }
  const out = new Map<string, number>();
  for (const [id, list] of ages) out.set(id, median(list) ?? 0);
  return out;
}
