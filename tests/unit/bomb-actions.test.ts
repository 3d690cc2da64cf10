import {
  type ActingPerson,
  allowedActions,
  type BombAction,
  type BombStanding,
  isManagerRole,
  judgeAction,
  permissionToMove,
  type Status,
  standingOf,
} from '@defuse/shared';
import { describe, expect, it } from 'vitest';

/**
 * The shared rule against what docs/api.md says, written out by hand per person and
 * status (not derived from the rule's own tables). tests/api/bomb-actions-matrix.test.ts holds the
 * server to the same rule over HTTP.
 */
const HOME = 'dept-home';
const AWAY = 'dept-away';
const ME = 'me';

const person = (over: Partial<ActingPerson> = {}): ActingPerson => ({
  id: ME,
  role: 'field',
  departmentIds: [],
  leadDepartmentIds: [],
  ...over,
});
const bombAt = (status: Status, over: Partial<BombStanding> = {}): BombStanding => ({
  status,
  departmentId: HOME,
  assigneeId: status === 'open' ? null : 'someone',
  filedById: 'filer',
  helperIds: [],
  ...over,
});

const member = person({ role: 'member', departmentIds: [HOME] });
const lead = person({ role: 'lead', departmentIds: [HOME], leadDepartmentIds: [HOME] });
const outsider = person({ role: 'member', departmentIds: [AWAY] });
const pm = person({ role: 'pm' });
const admin = person({ role: 'admin' });

const sorted = (actions: BombAction[]) => [...actions].sort();
const allowed = (p: ActingPerson, b: BombStanding) => sorted(allowedActions(p, b));

describe('what each person may do, status by status', () => {
  const memberMay: Record<Status, BombAction[]> = {
    open: ['claim', 'decline', 'comment', 'join', 'move:claimed'],
    claimed: ['decline', 'comment', 'join', 'move:waiting', 'move:resolved', 'move:open'],
    waiting: ['decline', 'comment', 'join', 'move:claimed', 'move:resolved'],
    resolved: ['comment', 'join', 'move:open'],
    closed: ['comment', 'join', 'move:open'],
  };
  const bounceable: Status[] = ['open', 'claimed', 'waiting'];
  for (const status of Object.keys(memberMay) as Status[]) {
    it(`a member of the department, ${status}`, () => {
      expect(allowed(member, bombAt(status))).toEqual(sorted(memberMay[status]));
    });
    it(`the department's lead also reroutes, ${status}`, () => {
      const extra: BombAction[] = bounceable.includes(status) ? ['reroute'] : [];
      expect(allowed(lead, bombAt(status))).toEqual(sorted([...memberMay[status], ...extra]));
    });
    it(`pms and admins act on every bomb, and also close, ${status}`, () => {
      const extra: BombAction[] = [
        ...(bounceable.includes(status) ? (['reroute'] as const) : []),
        ...(status === 'resolved' ? (['move:closed'] as const) : []),
      ];
      expect(allowed(pm, bombAt(status))).toEqual(sorted([...memberMay[status], ...extra]));
      expect(allowed(admin, bombAt(status))).toEqual(sorted([...memberMay[status], ...extra]));
    });
  }

  it('the filer comments everywhere, closes a resolved bomb and reopens a resolved or closed one', () => {
    const filer = person({ departmentIds: [AWAY] });
    const of = (status: Status) => allowed(filer, bombAt(status, { filedById: ME }));
    expect(of('open')).toEqual(['comment', 'join']);
    expect(of('claimed')).toEqual(['comment', 'join']);
    expect(of('waiting')).toEqual(['comment', 'join']);
    expect(of('resolved')).toEqual(sorted(['comment', 'join', 'move:closed', 'move:open']));
    expect(of('closed')).toEqual(sorted(['comment', 'join', 'move:open']));
  });

  it('a person of another department may only join; as a helper, comment and leave', () => {
    for (const status of ['open', 'claimed', 'waiting', 'resolved', 'closed'] as const) {
      expect(allowed(outsider, bombAt(status))).toEqual(['join']);
      expect(allowed(outsider, bombAt(status, { helperIds: [ME] }))).toEqual(['comment', 'leave']);
    }
  });

  it('the assignee works on the bomb even from outside the department, but neither claims nor declines', () => {
    const assignee = person({ role: 'member', departmentIds: [AWAY] });
    expect(allowed(assignee, bombAt('claimed', { assigneeId: ME }))).toEqual(
      sorted(['comment', 'join', 'move:waiting', 'move:resolved', 'move:open']),
    );
    expect(allowed(assignee, bombAt('waiting', { assigneeId: ME }))).toEqual(
      sorted(['comment', 'join', 'move:claimed', 'move:resolved']),
    );
  });

  it('leading another department gives nothing here; a lead role without leading gives no reroute', () => {
    const leadElsewhere = person({ role: 'lead', departmentIds: [HOME, AWAY], leadDepartmentIds: [AWAY] });
    expect(judgeAction(leadElsewhere, bombAt('open'), 'reroute')).toBe('forbidden');
    expect(judgeAction(leadElsewhere, bombAt('open'), 'claim')).toBe('ok');
  });

  it('an unrouted bomb belongs to no department: members and leads are outsiders to it', () => {
    const unrouted = bombAt('open', { departmentId: null });
    expect(standingOf(lead, unrouted)).toEqual({
      manager: false,
      member: false,
      lead: false,
      assignee: false,
      filer: false,
      helper: false,
    });
    expect(allowed(lead, unrouted)).toEqual(['join']);
    expect(allowed(pm, unrouted)).toContain('claim');
  });
});

describe('refusals name the answer the API gives', () => {
  it('403 before 409: a person who may not act is refused whatever the status', () => {
    expect(judgeAction(outsider, bombAt('resolved'), 'claim')).toBe('forbidden');
    expect(judgeAction(outsider, bombAt('closed'), 'decline')).toBe('forbidden');
    expect(judgeAction(member, bombAt('closed'), 'reroute')).toBe('forbidden');
    expect(judgeAction(outsider, bombAt('open'), 'comment')).toBe('forbidden');
    expect(judgeAction(outsider, bombAt('claimed'), 'move:waiting')).toBe('forbidden');
    expect(judgeAction(member, bombAt('resolved'), 'move:closed')).toBe('forbidden');
    expect(judgeAction(member, bombAt('claimed'), 'move:closed')).toBe('forbidden');
    expect(judgeAction(outsider, bombAt('closed'), 'move:open')).toBe('forbidden');
  });

  it('a claim of a held bomb is already_claimed; of one nobody holds, an invalid transition', () => {
    expect(judgeAction(member, bombAt('claimed'), 'claim')).toBe('already_claimed');
    expect(judgeAction(member, bombAt('waiting'), 'move:claimed')).toBe('ok');
    expect(judgeAction(member, bombAt('resolved', { assigneeId: null }), 'claim')).toBe('invalid_transition');
    expect(judgeAction(member, bombAt('open'), 'move:claimed')).toBe('ok');
    expect(judgeAction(outsider, bombAt('open'), 'move:claimed')).toBe('forbidden');
  });

  it('a move the lifecycle does not have is an invalid transition', () => {
    expect(judgeAction(member, bombAt('open'), 'move:waiting')).toBe('invalid_transition');
    expect(judgeAction(member, bombAt('open'), 'move:open')).toBe('invalid_transition');
    expect(judgeAction(member, bombAt('claimed'), 'move:claimed')).toBe('invalid_transition');
    expect(judgeAction(member, bombAt('resolved'), 'move:resolved')).toBe('invalid_transition');
    expect(judgeAction(pm, bombAt('claimed'), 'move:closed')).toBe('invalid_transition');
    expect(judgeAction(person({ id: 'filer' }), bombAt('open'), 'move:closed')).toBe('invalid_transition');
    expect(judgeAction(member, bombAt('resolved'), 'decline')).toBe('invalid_transition');
    expect(judgeAction(lead, bombAt('closed'), 'reroute')).toBe('invalid_transition');
  });

  it('joining twice and leaving unjoined are answered, and change nothing', () => {
    expect(judgeAction(outsider, bombAt('open', { helperIds: [ME] }), 'join')).toBe('unchanged');
    expect(judgeAction(outsider, bombAt('open'), 'leave')).toBe('unchanged');
    expect(judgeAction(outsider, bombAt('closed'), 'join')).toBe('ok');
  });
});

describe('the permission behind a move', () => {
  it('to closed is a close; back to open is a release from claimed and a reopen otherwise; the rest is work', () => {
    expect(permissionToMove('resolved', 'closed')).toBe('close');
    expect(permissionToMove('claimed', 'closed')).toBe('close');
    expect(permissionToMove('claimed', 'open')).toBe('work');
    expect(permissionToMove('resolved', 'open')).toBe('reopen');
    expect(permissionToMove('closed', 'open')).toBe('reopen');
    expect(permissionToMove('open', 'open')).toBe('reopen');
    expect(permissionToMove('claimed', 'waiting')).toBe('work');
    expect(permissionToMove('waiting', 'resolved')).toBe('work');
  });

  it('pms and admins are managers; leads and the rest are not', () => {
    expect(['field', 'member', 'lead', 'pm', 'admin'].map((r) => isManagerRole(r as ActingPerson['role']))).toEqual([
      false,
      false,
      false,
      true,
      true,
    ]);
  });
});
