import type { Bomb, BombListResponse, DefuseEvent } from '@defuse/shared';
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
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

export type BombPages = InfiniteData<BombListResponse, string | null>;

/**
 * The paged list after `bomb` changed: replaced where it is, dropped when it no longer matches,
 * and a newcomer placed in the loaded page it sorts into (past the last loaded row, the next
 * page brings it). The first page's total follows, so "N of M" stays true between refetches.
 */
export function upsertInPages(data: BombPages, bomb: Bomb, filters: BombFilters): BombPages {
  const current = data.pages.flatMap((p) => p.items).find((b) => b.id === bomb.id);
  if (current && current.version > bomb.version) return data;
  const matches = matchesFilters(bomb, filters);
  const compare = compareBombs(filters.sort);
  let placed = !matches;
  const pages = data.pages.map((page, i) => {
    const items = page.items.filter((b) => b.id !== bomb.id);
    const last = items.at(-1);
    const isEnd = i === data.pages.length - 1 && page.nextCursor === null;
    if (!placed && (isEnd || (last && compare(bomb, last) <= 0))) {
      placed = true;
      return { ...page, items: [...items, bomb].sort(compare) };
    }
    return items.length === page.items.length ? page : { ...page, items };
  });
  const delta = (matches ? 1 : 0) - (current ? 1 : 0);
  const [first, ...rest] = pages;
  if (!first || delta === 0 || first.total === undefined) return { ...data, pages };
  return { ...data, pages: [{ ...first, total: Math.max(0, first.total + delta) }, ...rest] };
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
    queryClient.setQueryData<BombPages>(query.queryKey, (data) => (data ? upsertInPages(data, bomb, filters) : data));
  }
  queryClient.setQueryData<BombDetailData>(bombKeys.detail(bomb.id), (detail) => {
    if (!detail) return detail;
    if (event) return applyEventToDetail(detail, event, bomb);
    return bomb.version >= detail.bomb.version ? { ...detail, bomb } : detail;
  });
}
