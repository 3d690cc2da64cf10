import type { AdminEvent, Policy, RoutingTable } from '@defuse/shared';
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

const AUDIT_PAGE = 1000;
/** The board reads at most this many pages; the CSV export has the rest. */
const AUDIT_MAX_PAGES = 10;

/** The audit trail, newest first: read page by page from the start, as GET /api/audit serves it. */
export const useAudit = () =>
  useQuery({
    queryKey: adminKeys.audit,
    queryFn: async () => {
      const all: AdminEvent[] = [];
      let after = 0;
      for (let page = 0; page < AUDIT_MAX_PAGES; page++) {
        const res = await api<{ events: AdminEvent[]; lastSeq: number }>(
          `/api/audit?after=${after}&limit=${AUDIT_PAGE}`,
        );
        all.push(...res.events);
        if (res.events.length < AUDIT_PAGE) break;
        after = res.lastSeq;
      }
      return all.reverse();
    },
  });

export const AUDIT_CSV_PATH = '/api/audit.csv';
