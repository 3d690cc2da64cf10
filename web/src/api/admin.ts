import type { Policy, RoutingTable } from '@defuse/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import { adminKeys, directoryKeys } from './keys.ts';

export const useRouting = () =>
  useQuery({ queryKey: adminKeys.routing, queryFn: () => api<RoutingTable>('/api/routing') });

export const usePolicy = (departmentId: string) =>
  useQuery({
    queryKey: adminKeys.policy(departmentId),
    queryFn: () => api<Policy>(`/api/departments/${departmentId}/policy`),
    enabled: departmentId !== '',
  });

export interface WebhookDelivery {
  id: string;
  url?: string;
  status?: string | number;
  statusCode?: number | null;
  attempts?: number;
  createdAt?: string;
  at?: string;
  eventType?: string;
  error?: string | null;
}

export const useWebhookDeliveries = () =>
  useQuery({
    queryKey: adminKeys.webhooks,
    queryFn: () => api<{ items: WebhookDelivery[] }>('/api/webhooks/deliveries').then((r) => r.items),
    retry: false,
  });

/** A PUT/POST/PATCH that refreshes what it changed. */
export function useSave<TBody>(path: string, method: 'PUT' | 'POST' | 'PATCH', invalidate: readonly unknown[]) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TBody) => api(path, { method, body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invalidate }),
  });
}

export function useSaveAt<TBody>(method: 'PUT' | 'POST' | 'PATCH', invalidate: readonly unknown[]) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ path, body }: { path: string; body: TBody }) => api(path, { method, body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invalidate }),
  });
}

export { directoryKeys };
