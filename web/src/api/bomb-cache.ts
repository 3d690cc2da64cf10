import type { Bomb, DefuseEvent } from '@defuse/shared';
import type { QueryClient } from '@tanstack/react-query';
import { type BombFilters, bombKeys } from './keys.ts';

/** Whether a bomb belongs in a list with these filters: the client-side twin of the server's WHERE. */
export function matchesFilters(bomb: Bomb, filters: BombFilters): boolean {
  if (filters.status?.length && !filters.status.includes(bomb.status)) return false;
  if (filters.departmentId && bomb.departmentId !== filters.departmentId) return false;
  if (filters.filedById && bomb.filedById !== filters.filedById) return false;
  if (filters.assigneeId && bomb.assigneeId !== filters.assigneeId) return false;
  if (filters.category && bomb.category !== filters.category) return false;
  if (filters.productId && bomb.productId !== filters.productId) return false;
  return true;
}

const time = (iso: string | null) => (iso === null ? Number.POSITIVE_INFINITY : Date.parse(iso));

export function compareBombs(sort: BombFilters['sort']): (a: Bomb, b: Bomb) => number {
  if (sort === 'claimDue') {
    return (a, b) => time(a.claimDueAt) - time(b.claimDueAt) || time(a.createdAt) - time(b.createdAt);
  }
  return (a, b) => time(b.createdAt) - time(a.createdAt);
}

/**
 * The list after `bomb` changed: inserted, replaced, or dropped when it no longer matches. An
 * older version than the one held is ignored, so a late event never rolls a row back.
 */
export function upsertInList(items: readonly Bomb[], bomb: Bomb, filters: BombFilters): Bomb[] {
  const current = items.find((b) => b.id === bomb.id);
  if (current && current.version > bomb.version) return [...items];
  const rest = items.filter((b) => b.id !== bomb.id);
  if (!matchesFilters(bomb, filters)) return rest;
  return [...rest, bomb].sort(compareBombs(filters.sort));
}

export interface BombDetailData {
  bomb: Bomb;
  events: DefuseEvent[];
}

/** Appends a live event to a cached timeline (once, in seq order) and takes its bomb snapshot. */
export function applyEventToDetail(detail: BombDetailData, event: DefuseEvent, bomb: Bomb | null): BombDetailData {
  const events = detail.events.some((e) => e.seq === event.seq)
    ? detail.events
    : [...detail.events, event].sort((a, b) => a.seq - b.seq);
  const next = bomb && bomb.version >= detail.bomb.version ? bomb : detail.bomb;
  return { bomb: next, events };
}

export function applyBombToCaches(queryClient: QueryClient, bomb: Bomb, event?: DefuseEvent): void {
  for (const query of queryClient.getQueryCache().findAll({ queryKey: bombKeys.lists() })) {
    const filters = query.queryKey[2] as BombFilters | undefined;
    if (!filters) continue;
    queryClient.setQueryData<Bomb[]>(query.queryKey, (items) => (items ? upsertInList(items, bomb, filters) : items));
  }
  queryClient.setQueryData<BombDetailData>(bombKeys.detail(bomb.id), (detail) => {
    if (!detail) return detail;
    if (event) return applyEventToDetail(detail, event, bomb);
    return bomb.version >= detail.bomb.version ? { ...detail, bomb } : detail;
  });
}
