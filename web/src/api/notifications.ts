import type { MarkRead, Notification, NotificationPreferences } from '@defuse/shared';
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import { notificationKeys } from './keys.ts';

interface Inbox {
  items: Notification[];
  nextCursor: string | null;
  unreadCount: number;
}

/** The newest items: enough for the page, which asks for more by cursor. */
export function useInbox() {
  return useQuery({ queryKey: notificationKeys.list(), queryFn: () => api<Inbox>('/api/notifications?limit=100') });
}

/** The bell's count; one row is the least the endpoint returns with it. */
export function useUnreadCount() {
  return useQuery({
    queryKey: notificationKeys.count(),
    queryFn: () => api<Inbox>('/api/notifications?unread=true&limit=1').then((r) => r.unreadCount),
  });
}

/** Other tabs of this board hear when one marks items read, so their counts agree. */
const CHANNEL = 'defuse-inbox';
const tabs = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);

export function refreshInbox(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: notificationKeys.all });
}

/** Keeps this tab's inbox in step with the others; returns the unsubscribe. */
export function followOtherTabs(queryClient: QueryClient): () => void {
  if (!tabs) return () => {};
  const listener = () => refreshInbox(queryClient);
  tabs.addEventListener('message', listener);
  return () => tabs.removeEventListener('message', listener);
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: MarkRead) => api('/api/notifications/read', { method: 'POST', body }),
    onSuccess: () => {
      refreshInbox(queryClient);
      tabs?.postMessage('read');
    },
  });
}

export function useNotificationPreferences() {
  return useQuery({
    queryKey: notificationKeys.preferences(),
    queryFn: () => api<NotificationPreferences>('/api/me/notifications'),
  });
}

export function useSaveNotificationPreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NotificationPreferences) =>
      api<NotificationPreferences>('/api/me/notifications', { method: 'PUT', body }),
    onSuccess: (saved) => queryClient.setQueryData(notificationKeys.preferences(), saved),
  });
}
