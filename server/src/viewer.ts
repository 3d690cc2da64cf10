import type { Locale, Role } from '@defuse/shared';

/** Who is asking: resolved once per request by the auth plugin, passed to every command and query. */
export interface Viewer {
  id: string;
  name: string;
  role: Role;
  locale: Locale;
  departmentIds: string[];
  leadDepartmentIds: string[];
}

export const isManager = (v: Viewer) => v.role === 'pm' || v.role === 'admin';
