import { canSeeEvent, type EventAudience } from '@defuse/server/domain/event-visibility';
import type { Viewer } from '@defuse/server/viewer';
import { describe, expect, it } from 'vitest';

const DEPT = 'd-logistics';
const OTHER_DEPT = 'd-docs';
const viewer = (id: string, role: Viewer['role'], departmentIds: string[] = [], leadDepartmentIds: string[] = []) => ({
  id,
  name: id,
  role,
  locale: 'en' as const,
  departmentIds,
  leadDepartmentIds,
});

const bombEvent = (restricted: boolean): EventAudience => ({
  adminOnly: false,
  bombId: 'b1',
  personId: null,
  bomb: { restricted, filedById: 'filer', assigneeId: 'assignee', departmentId: DEPT, helperIds: ['helper'] },
  personDepartmentIds: null,
});

describe('canSeeEvent', () => {
  it('shows an unrestricted bomb’s events to everyone signed in', () => {
    expect(canSeeEvent(viewer('x', 'field'), bombEvent(false))).toBe(true);
  });

  it('shows a restricted bomb’s events to the filer, assignee, helpers, department, pms and admins only', () => {
    const e = bombEvent(true);
    const allowed = [
      viewer('filer', 'field'),
      viewer('assignee', 'member'),
      viewer('helper', 'member'),
      viewer('m', 'member', [DEPT]),
      viewer('pm', 'pm'),
      viewer('admin', 'admin'),
    ];
    const refused = [
      viewer('other', 'field'),
      viewer('docs', 'member', [OTHER_DEPT]),
      viewer('lead2', 'lead', [OTHER_DEPT], [OTHER_DEPT]),
    ];
    expect(allowed.map((v) => canSeeEvent(v, e))).toEqual(allowed.map(() => true));
    expect(refused.map((v) => canSeeEvent(v, e))).toEqual(refused.map(() => false));
  });

  it('hides events of a bomb that is gone from non-managers', () => {
    expect(canSeeEvent(viewer('x', 'field'), { ...bombEvent(false), bomb: null })).toBe(false);
  });

  it('shows person events to the person, managers and leads of the person’s departments', () => {
    const e: EventAudience = { adminOnly: false, bombId: null, personId: 'p', bomb: null, personDepartmentIds: [DEPT] };
    expect(canSeeEvent(viewer('p', 'member', [DEPT]), e)).toBe(true);
    expect(canSeeEvent(viewer('pm', 'pm'), e)).toBe(true);
    expect(canSeeEvent(viewer('lead', 'lead', [DEPT], [DEPT]), e)).toBe(true);
    expect(canSeeEvent(viewer('colleague', 'member', [DEPT]), e)).toBe(false);
    expect(canSeeEvent(viewer('lead2', 'lead', [OTHER_DEPT], [OTHER_DEPT]), e)).toBe(false);
  });

  it('shows admin events (the audit trail) to admins only, not to pms', () => {
    const e: EventAudience = { adminOnly: true, bombId: null, personId: null, bomb: null, personDepartmentIds: null };
    expect(canSeeEvent(viewer('admin', 'admin'), e)).toBe(true);
    expect(canSeeEvent(viewer('pm', 'pm'), e)).toBe(false);
    expect(canSeeEvent(viewer('lead', 'lead', [DEPT], [DEPT]), e)).toBe(false);
  });
});
