import type { Bomb, BombListResponse, DefuseEvent, FileBomb, RootCause, Transition } from '@defuse/shared';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { applyBombToCaches } from './bomb-cache.ts';
import { api } from './client.ts';
import { type BombFilters, bombKeys } from './keys.ts';

export interface BombDetail {
  bomb: Bomb;
  events: DefuseEvent[];
}

export function bombListPath(filters: BombFilters, limit = 200, cursor: string | null = null): string {
  const params = new URLSearchParams();
  if (filters.status?.length) params.set('status', filters.status.join(','));
  for (const key of ['departmentId', 'filedById', 'assigneeId', 'category', 'productId', 'sort'] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  params.set('limit', String(limit));
  if (cursor) params.set('cursor', cursor);
  return `/api/bombs?${params}`;
}

/**
 * A bomb list a page of 200 at a time, through the whole set: `items` so far, `total` from the
 * first page, `more()` for the next page. Live events keep the loaded pages current (bomb-cache.ts).
 */
export function useBombs(filters: BombFilters, enabled = true) {
  const query = useInfiniteQuery({
    queryKey: bombKeys.list(filters),
    queryFn: ({ pageParam }) => api<BombListResponse>(bombListPath(filters, 200, pageParam)),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  });
  const items = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  return { ...query, items, total: query.data?.pages[0]?.total ?? items.length };
}

export function useBomb(id: string) {
  return useQuery({ queryKey: bombKeys.detail(id), queryFn: () => api<BombDetail>(`/api/bombs/${id}`) });
}

export type FileBombInput = Pick<FileBomb, 'title' | 'category' | 'severity'> &
  Partial<Pick<FileBomb, 'description' | 'productId' | 'customer' | 'restricted'>>;

export type BombActionRequest =
  | { kind: 'claim' }
  | { kind: 'decline'; reason: string; suggestedDepartmentId?: string }
  | { kind: 'reroute'; departmentId: string; reason: string }
  | { kind: 'transition'; to: Transition['to']; rootCause?: RootCause; note?: string }
  | { kind: 'join' }
  | { kind: 'leave' };

function runAction(id: string, action: BombActionRequest, version?: number): Promise<{ bomb: Bomb } | undefined> {
  const ifMatch: Record<string, string> = version === undefined ? {} : { 'if-match': String(version) };
  switch (action.kind) {
    case 'claim':
      return api(`/api/bombs/${id}/claim`, { method: 'POST' });
    case 'decline': {
      const { kind: _kind, ...body } = action;
      return api(`/api/bombs/${id}/decline`, { method: 'POST', body, headers: ifMatch });
    }
    case 'reroute': {
      const { kind: _kind, ...body } = action;
      return api(`/api/bombs/${id}/reroute`, { method: 'POST', body, headers: ifMatch });
    }
    case 'transition': {
      const { kind: _kind, ...body } = action;
      return api(`/api/bombs/${id}/transition`, { method: 'POST', body, headers: ifMatch });
    }
    case 'join':
      return api(`/api/bombs/${id}/helpers`, { method: 'POST' });
    case 'leave':
      return api(`/api/bombs/${id}/helpers/me`, { method: 'DELETE' });
  }
}

/** Every bomb action; the answer (and later the live event) updates every cached view of the bomb. */
export function useBombAction(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, version }: { action: BombActionRequest; version?: number }) =>
      runAction(id, action, version),
    onSuccess: (result) => {
      if (result && 'bomb' in result) applyBombToCaches(queryClient, result.bomb);
      void queryClient.invalidateQueries({ queryKey: bombKeys.detail(id) });
    },
  });
}

export function useComment(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: string) =>
      api<{ event: DefuseEvent }>(`/api/bombs/${id}/comments`, { method: 'POST', body: { body } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: bombKeys.detail(id) }),
  });
}
