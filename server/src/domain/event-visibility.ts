import { isManager, type Viewer } from '../viewer.ts';

/**
 * What deciding who may see an event needs: the bomb as it stands now (the same row HTTP reads
 * check, so the live stream never shows what GET /api/bombs/:id would answer 404 for) and, for
 * person events, the departments of the person the event is about.
 */
export interface EventAudience {
  /** admin.* events: the audit trail, for admins only (not pms). */
  adminOnly: boolean;
  bombId: string | null;
  personId: string | null;
  bomb: {
    restricted: boolean;
    filedById: string;
    assigneeId: string | null;
    departmentId: string | null;
    helperIds: string[];
  } | null;
  personDepartmentIds: string[] | null;
}

/**
 * Bomb events follow bomb visibility (queries/bombs.ts `visibleTo`): unrestricted bombs reach
 * everyone, restricted ones only the filer, assignee, helpers, routed department, pms and admins.
 * Person events reach the person, pms, admins and leads of one of the person's departments.
 * Admin events (the audit trail) reach admins only.
 */
export function canSeeEvent(viewer: Viewer, audience: EventAudience): boolean {
  if (audience.adminOnly) return viewer.role === 'admin';
  if (isManager(viewer)) return true;
  if (audience.bombId !== null) {
    const bomb = audience.bomb;
    if (!bomb) return false;
    if (!bomb.restricted) return true;
    return (
      bomb.filedById === viewer.id ||
      bomb.assigneeId === viewer.id ||
      bomb.helperIds.includes(viewer.id) ||
      (bomb.departmentId !== null && viewer.departmentIds.includes(bomb.departmentId))
    );
  }
  if (audience.personId !== null) {
    if (audience.personId === viewer.id) return true;
    const departments = audience.personDepartmentIds ?? [];
    return viewer.leadDepartmentIds.some((d) => departments.includes(d));
  }
  return false;
}
