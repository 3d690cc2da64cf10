import {
  type NotifyBomb,
  type NotifyDirectory,
  type NotifyEvent,
  noticesFor,
} from '@defuse/server/domain/notify-recipients';
import { describe, expect, it } from 'vitest';

const bomb: NotifyBomb = {
  key: 'SHIP-12',
  title: 'Pallet missing',
  filedById: 'filer',
  assigneeId: 'assignee',
  helperIds: ['helper'],
  departmentId: 'logistics',
  productPmId: null,
};
const dir: NotifyDirectory = {
  members: (d) => (d === 'logistics' ? ['lead', 'member', 'assignee'] : d === 'docs' ? ['docs-lead', 'writer'] : []),
  leads: (d) => (d === 'logistics' ? ['lead'] : d === 'docs' ? ['docs-lead'] : []),
  pms: ['pm1', 'pm2'],
  admins: ['admin'],
};
const everyone = () => true;
const event = (type: string, data: Record<string, unknown> = {}, actorId: string | null = null): NotifyEvent => ({
  seq: 7,
  type,
  bombId: type.startsWith('bomb.') ? 'b1' : null,
  personId: type.startsWith('person.') ? 'p1' : null,
  actorId,
  data,
});
const who = (e: NotifyEvent, b: NotifyBomb | null = bomb, canSee: (id: string) => boolean = everyone) =>
  noticesFor(e, b, dir, canSee)
    .map((n) => `${n.kind}:${n.personId}`)
    .sort();

describe('who hears about an event', () => {
  it('routed: every member and lead of the department it arrived in', () => {
    expect(who(event('bomb.routed', { departmentId: 'logistics' }))).toEqual([
      'routed:assignee',
      'routed:lead',
      'routed:member',
    ]);
  });

  it('rerouted and declined: the department it went to, not the one it left', () => {
    const moved = { ...bomb, departmentId: 'docs' };
    expect(
      who(event('bomb.rerouted', { fromDepartmentId: 'logistics', toDepartmentId: 'docs' }, 'lead'), moved),
    ).toEqual(['routed:docs-lead', 'routed:writer']);
    expect(who(event('bomb.declined', { toDepartmentId: 'docs' }, 'member'), moved)).toEqual([
      'routed:docs-lead',
      'routed:writer',
    ]);
  });

  it('commented: filer, assignee and helpers, never the one who wrote it', () => {
    expect(who(event('bomb.commented', { body: 'which warehouse?' }, 'assignee'))).toEqual([
      'commented:filer',
      'commented:helper',
    ]);
  });

  it('a comment keeps a short excerpt for the text', () => {
    const [n] = noticesFor(event('bomb.commented', { body: 'x'.repeat(500) }, 'filer'), bomb, dir, everyone);
    expect(String(n?.params.excerpt).length).toBe(140);
    expect(n?.params.key).toBe('SHIP-12');
  });

  it('escalated: the tier target only (lead, the product PM or every PM, admins)', () => {
    expect(who(event('bomb.escalated', { tier: 1, target: 'lead', reason: 'claim_overdue' }))).toEqual([
      'escalated:lead',
    ]);
    expect(who(event('bomb.escalated', { tier: 2, target: 'pm' }))).toEqual(['escalated:pm1', 'escalated:pm2']);
    expect(who(event('bomb.escalated', { tier: 2, target: 'pm' }), { ...bomb, productPmId: 'pm2' })).toEqual([
      'escalated:pm2',
    ]);
    expect(who(event('bomb.escalated', { tier: 3, target: 'admin' }))).toEqual(['escalated:admin']);
  });

  it('resolved: the filer is asked to confirm; waiting: the filer is asked the question', () => {
    expect(who(event('bomb.status_changed', { from: 'claimed', to: 'resolved' }, 'assignee'))).toEqual([
      'resolved:filer',
    ]);
    const [q] = noticesFor(
      event('bomb.status_changed', { from: 'claimed', to: 'waiting', note: 'Which warehouse shipped it?' }, 'assignee'),
      bomb,
      dir,
      everyone,
    );
    expect(q).toMatchObject({
      kind: 'question',
      personId: 'filer',
      params: { question: 'Which warehouse shipped it?' },
    });
    expect(who(event('bomb.status_changed', { from: 'open', to: 'claimed' }, 'assignee'))).toEqual([]);
  });

  it('a filer resolving their own bomb is not asked to confirm it', () => {
    expect(who(event('bomb.status_changed', { to: 'resolved' }, 'filer'))).toEqual([]);
  });

  it('claimed on someone’s behalf by routing: that person is assigned; a claim of one’s own notifies nobody', () => {
    expect(who(event('bomb.claimed', { onBehalf: true, assigneeId: 'member' }))).toEqual(['assigned:member']);
    expect(who(event('bomb.claimed', { assigneeId: 'member' }, 'member'))).toEqual([]);
  });

  it('isolation: only the person whose own state changed', () => {
    expect(who(event('person.isolation_changed', { state: 'watch', previousState: 'ok' }), null)).toEqual([
      'isolation:p1',
    ]);
  });

  it('buddy: the person helped and the buddy, not the PM who paired them', () => {
    expect(who(event('person.buddy_assigned', { personId: 'p1', buddyId: 'p2' }, 'pm1'), null)).toEqual([
      'buddy:p1',
      'buddy:p2',
    ]);
    expect(who(event('person.buddy_assigned', { personId: 'p1', buddyId: 'pm1' }, 'pm1'), null)).toEqual(['buddy:p1']);
  });

  it('nobody who may not see the bomb', () => {
    expect(who(event('bomb.commented', { body: 'hi' }, 'assignee'), bomb, (id) => id !== 'helper')).toEqual([
      'commented:filer',
    ]);
  });

  it('event types without a rule (admin.*, clocks, filing) notify nobody; nor does malformed data throw', () => {
    expect(who(event('admin.person_updated', { whatever: 1 }), null)).toEqual([]);
    expect(who(event('bomb.clock_paused'))).toEqual([]);
    expect(who(event('bomb.filed', {}, 'filer'))).toEqual([]);
    expect(who(event('bomb.escalated', { target: 42, tier: 'x' }))).toEqual([]);
    expect(who(event('bomb.status_changed', { to: ['resolved'] }))).toEqual([]);
  });

  it('a bomb event whose bomb is gone notifies nobody', () => {
    expect(who(event('bomb.commented', { body: 'x' }, 'filer'), null)).toEqual([]);
  });

  it('one notice per person per event, even when a rule names them twice', () => {
    expect(who(event('bomb.commented', { body: 'x' }, 'helper'), { ...bomb, assigneeId: 'filer' })).toEqual([
      'commented:filer',
    ]);
  });
});
