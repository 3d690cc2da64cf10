import type { Category, HeatmapCell } from '@defuse/shared';
import type { Names } from '../../api/directory.ts';

export interface HeatmapRow {
  departmentId: string | null;
  name: string;
  byCategory: Map<Category, HeatmapCell>;
}

/** The server's cells as one row per department, by department name (no department last). */
export function heatmapRows(cells: readonly HeatmapCell[], names: Names): HeatmapRow[] {
  const rows = new Map<string | null, HeatmapRow>();
  for (const cell of cells) {
    const row = rows.get(cell.departmentId) ?? {
      departmentId: cell.departmentId,
      name: (cell.departmentId && names.departments.get(cell.departmentId)) || '—',
      byCategory: new Map(),
    };
    row.byCategory.set(cell.category, cell);
    rows.set(cell.departmentId, row);
  }
  return [...rows.values()].sort(
    (a, b) => Number(a.departmentId === null) - Number(b.departmentId === null) || a.name.localeCompare(b.name),
  );
}

/** 0 for none, 1–4 for quartiles of the largest cell: a color step, readable without the number. */
export function heatLevel(value: number, max: number): number {
  if (value <= 0 || max <= 0) return 0;
  return Math.min(4, Math.ceil((value / max) * 4));
}
