import type { Category, Status } from '@defuse/shared';

export interface BombFilters {
  status?: Status[];
  departmentId?: string;
  filedById?: string;
  assigneeId?: string;
  category?: Category;
  productId?: string;
  sort?: 'created' | 'claimDue';
}

/** Query-key factories: every cache entry the live stream may touch is named here. */
export const bombKeys = {
  all: ['bombs'] as const,
  lists: () => [...bombKeys.all, 'list'] as const,
  list: (filters: BombFilters) => [...bombKeys.lists(), filters] as const,
  details: () => [...bombKeys.all, 'detail'] as const,
  detail: (id: string) => [...bombKeys.details(), id] as const,
};

export const directoryKeys = {
  me: ['me'] as const,
  people: ['people'] as const,
  departments: ['departments'] as const,
  products: ['products'] as const,
};

export const isolationKeys = {
  all: ['isolation'] as const,
  list: () => [...isolationKeys.all, 'list'] as const,
  person: (id: string) => [...isolationKeys.all, 'person', id] as const,
  gaps: (days: number) => [...isolationKeys.all, 'gaps', days] as const,
};

export const dashboardKeys = {
  all: ['dashboard'] as const,
};

export const feedbackKeys = {
  all: ['feedback'] as const,
  product: (productId: string, days: number) => [...feedbackKeys.all, productId, days] as const,
};

/** Settings screens hold unsaved edits: the live stream never refetches these behind the admin's back. */
export const adminKeys = {
  routing: ['routing'] as const,
  isolationSettings: ['isolation-settings'] as const,
  policy: (departmentId: string) => ['policy', departmentId] as const,
  webhooks: ['webhook-deliveries'] as const,
  audit: ['audit'] as const,
  ownership: ['ownership-times'] as const,
};

export const tokenKeys = {
  mine: ['api-tokens'] as const,
};

/** The inbox: refetched when a notification arrives live or another tab marks items read. */
export const notificationKeys = {
  all: ['notifications'] as const,
  list: () => [...notificationKeys.all, 'list'] as const,
  count: () => [...notificationKeys.all, 'count'] as const,
  preferences: () => ['notification-preferences'] as const,
};
