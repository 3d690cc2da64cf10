import type {
  DashboardResponse,
  FeedbackResponse,
  GapsResponseSchema,
  IsolationPersonResponse,
  IsolationResponseSchema,
  IsolationSettings,
} from '@defuse/shared';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from './client.ts';
import { adminKeys, dashboardKeys, feedbackKeys, isolationKeys } from './keys.ts';

export type IsolationList = z.infer<typeof IsolationResponseSchema>;

/** The dashboard list, highest score first, a page of 200 at a time; live events refetch the pages loaded. */
export const useIsolation = () =>
  useInfiniteQuery({
    queryKey: isolationKeys.list(),
    queryFn: ({ pageParam }) =>
      api<IsolationList>(pageParam ? `/api/isolation?cursor=${encodeURIComponent(pageParam)}` : '/api/isolation'),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

/** Heatmap, department ages and the escalations (a page at a time), computed by the server over every bomb. */
export const useDashboard = () =>
  useInfiniteQuery({
    queryKey: dashboardKeys.all,
    queryFn: ({ pageParam }) =>
      api<DashboardResponse>(pageParam ? `/api/dashboard?cursor=${encodeURIComponent(pageParam)}` : '/api/dashboard'),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.escalations.nextCursor,
  });

export const useIsolationPerson = (personId: string, enabled = true) =>
  useQuery({
    queryKey: isolationKeys.person(personId),
    queryFn: () => api<IsolationPersonResponse>(`/api/isolation/${personId}`),
    enabled,
    retry: false,
  });

export const useIsolationSettings = () =>
  useQuery({ queryKey: adminKeys.isolationSettings, queryFn: () => api<IsolationSettings>('/api/settings/isolation') });

export function useAssignBuddy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ personId, buddyId }: { personId: string; buddyId: string }) =>
      api<{ bombIds: string[] }>(`/api/isolation/${personId}/buddy`, { method: 'POST', body: { buddyId } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: isolationKeys.all }),
  });
}

export const useFeedback = (productId: string, days: number) =>
  useQuery({
    queryKey: feedbackKeys.product(productId, days),
    queryFn: () => api<FeedbackResponse>(`/api/products/${productId}/feedback?days=${days}`),
  });

/** The server's CSV (UTF-8 BOM, formula-safe) for the same window. */
export const feedbackCsvPath = (productId: string, days: number) =>
  `/api/products/${productId}/feedback.csv?days=${days}`;

export type GapsResponse = z.infer<typeof GapsResponseSchema>;

/** Categories whose bombs keep bouncing or waiting unclaimed: nobody clearly owns them (pm, admin). */
export const useOwnershipGaps = (days: number, enabled: boolean) =>
  useQuery({
    queryKey: isolationKeys.gaps(days),
    queryFn: () => api<GapsResponse>(`/api/isolation/gaps?days=${days}`),
    enabled,
    retry: false,
  });
