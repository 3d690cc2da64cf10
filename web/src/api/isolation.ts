import type { IsolationEntry, IsolationSettings } from '@defuse/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import { feedbackKeys, isolationKeys } from './keys.ts';

export interface IsolationList {
  generatedAt: string;
  people: IsolationEntry[];
}
export type IsolationDetail = IsolationEntry & { history: { day: string; load: number }[] };

export const useIsolation = () =>
  useQuery({ queryKey: isolationKeys.list(), queryFn: () => api<IsolationList>('/api/isolation') });

export const useIsolationPerson = (personId: string, enabled = true) =>
  useQuery({
    queryKey: isolationKeys.person(personId),
    queryFn: () => api<IsolationDetail>(`/api/isolation/${personId}`),
    enabled,
    retry: false,
  });

export const useIsolationSettings = () =>
  useQuery({ queryKey: isolationKeys.settings(), queryFn: () => api<IsolationSettings>('/api/settings/isolation') });

export function useAssignBuddy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ personId, buddyId }: { personId: string; buddyId: string }) =>
      api(`/api/isolation/${personId}/buddy`, { method: 'POST', body: { buddyId } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: isolationKeys.all }),
  });
}

export interface FeedbackCause {
  rootCause: string;
  category: string;
  count: number;
  bombIds: string[];
}

export const useFeedback = (productId: string, days: number) =>
  useQuery({
    queryKey: feedbackKeys.product(productId, days),
    queryFn: () => api<{ causes: FeedbackCause[] }>(`/api/products/${productId}/feedback?days=${days}`),
  });
