import { bombs, ownershipSpans } from '@defuse/drizzle';
import type { Bomb } from '@defuse/shared';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, advance, dataOf, getBomb, must, timeline } from '../helpers/actions.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { hours } from '../helpers/clock.ts';
import { type Actor, createActor, createWorkspace, fileBomb } from '../helpers/factories.ts';
import { ALLOWED_MOVES } from '../helpers/lifecycle.ts';

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;

beforeAll(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
});
afterAll(() => ctx.close());

type Status = Bomb['status'];
const move = (actor: Actor, bomb: Bomb, to: Status, extra: Record<string, unknown> = {}) =>
  act(ctx, actor, bomb.id, 'transition', { to, ...extra });

/** A logistics bomb brought to `status` through the real endpoints, claimed by the member. */
async function bombIn(status: Status): Promise<Bomb> {
  const bomb = await fileBomb(ctx, ws.field);
  if (status === 'open') return bomb;
  await must(ctx, ws.member, bomb.id, 'claim');
  if (status === 'waiting') return must(ctx, ws.member, bomb.id, 'transition', { to: 'waiting' });
  if (status === 'claimed') return getBomb(ctx, ws.member, bomb.id);
  await must(ctx, ws.member, bomb.id, 'transition', { to: 'resolved', rootCause: 'shipping_operations' });
  if (status === 'resolved') return getBomb(ctx, ws.member, bomb.id);
  return must(ctx, ws.field, bomb.id, 'transition', { to: 'closed' });
}

const STATUSES: Status[] = ['open', 'claimed', 'waiting', 'resolved', 'closed'];

describe('POST /api/bombs/:id/transition: every move, allowed and not', () => {
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      const ok = ALLOWED_MOVES.has(`${from}>${to}`);
      it(`${from} → ${to}: ${ok ? '200' : '409 invalid_transition'}`, async () => {
        const bomb = await bombIn(from);
        // pm: allowed to do every move, so only the lifecycle decides.
        const res = await move(ws.pm, bomb, to, to === 'resolved' ? { rootCause: 'other' } : {});
        if (ok) {
          expect(res.status).toBe(200);
          expect(res.body.bomb?.status).toBe(to);
        } else {
          expect(res.status).toBe(409);
          expect(res.body.error?.code).toBe('invalid_transition');
        }
      });
    }
  }
});

describe('lifecycle rules', () => {
  it('resolved needs a root cause (400 naming the field)', async () => {
    const bomb = await bombIn('claimed');
    const res = await move(ws.member, bomb, 'resolved');
    expect(res.status).toBe(400);
    expect(res.body.error?.fields?.[0]?.path).toBe('rootCause');
    const ok = await move(ws.member, bomb, 'resolved', { rootCause: 'shipping_operations' });
    expect(ok.body.bomb).toMatchObject({ status: 'resolved', rootCause: 'shipping_operations' });
  });

  it('only the filer, a pm or an admin closes', async () => {
    const bomb = await bombIn('resolved');
    expect((await move(ws.member, bomb, 'closed')).status).toBe(403);
    expect((await move(ws.lead, bomb, 'closed')).status).toBe(403);
    expect((await move(ws.otherField, bomb, 'closed')).status).toBe(403);
    expect((await move(ws.field, bomb, 'closed')).status).toBe(200);
    const b2 = await bombIn('resolved');
    expect((await move(ws.admin, b2, 'closed')).status).toBe(200);
  });

  it('the filer moves a claimed bomb only when it is also the assignee', async () => {
    const bomb = await bombIn('claimed');
    expect((await move(ws.field, bomb, 'waiting')).status).toBe(403);
    const filerMember = await createActor(ctx, 'member', { departmentIds: [ws.departments.logistics] });
    const own = await fileBomb(ctx, filerMember);
    await must(ctx, filerMember, own.id, 'claim');
    expect((await move(filerMember, own, 'waiting')).status).toBe(200);
  });

  it('members of another department may not move a bomb along', async () => {
    const bomb = await bombIn('claimed');
    expect((await move(ws.docsMember, bomb, 'waiting')).status).toBe(403);
    expect((await move(ws.otherField, bomb, 'resolved', { rootCause: 'other' })).status).toBe(403);
  });

  it('each department the bomb passes through keeps its own ownership span', async () => {
    const bomb = await bombIn('claimed');
    await must(ctx, ws.member, bomb.id, 'transition', { to: 'waiting' });
    await advance(ctx, 600);
    await must(ctx, ws.member, bomb.id, 'decline', {
      reason: 'docs',
      suggestedDepartmentId: ws.departments.documentation,
    });
    await advance(ctx, 60);
    await must(ctx, ws.docsMember, bomb.id, 'claim');
    await must(ctx, ws.docsMember, bomb.id, 'transition', { to: 'resolved', rootCause: 'manual_unclear' });
    const spans = await ctx.deps.db
      .select()
      .from(ownershipSpans)
      .where(eq(ownershipSpans.bombId, bomb.id))
      .orderBy(asc(ownershipSpans.routedAt));
    expect(spans.map((s) => [s.departmentId, s.endReason, s.pausedSeconds, s.claimedAt !== null])).toEqual([
      [ws.departments.logistics, 'declined', 600, true],
      [ws.departments.documentation, 'resolved', 0, true],
    ]);
  });

  it('a reopen after resolved counts as a bounce back to the resolving department', async () => {
    const bomb = await bombIn('resolved');
    const res = await move(ws.field, bomb, 'open');
    expect(res.status).toBe(200);
    expect(res.body.bomb).toMatchObject({
      status: 'open',
      assigneeId: null,
      rootCause: null,
      bounces: 1,
      departmentId: ws.departments.logistics,
    });
    expect(res.body.bomb?.claimDueAt).not.toBeNull();
  });

  it('If-Match with the current version applies the change; a stale one is 409 version_conflict', async () => {
    const bomb = await bombIn('open');
    const stale = await act(ctx, ws.member, bomb.id, 'claim', undefined, { ifMatch: String(bomb.version + 5) });
    expect(stale.status).toBe(409);
    expect(stale.body.error?.code).toBe('version_conflict');
    expect((await getBomb(ctx, ws.member, bomb.id)).status).toBe('open');
    const fresh = await act(ctx, ws.member, bomb.id, 'claim', undefined, { ifMatch: `"${bomb.version}"` });
    expect(fresh.status).toBe(200);
    expect(fresh.body.bomb?.version).toBe(bomb.version + 1);
  });

  it('waiting pauses the resolve clock and resuming moves the deadline by the pause', async () => {
    const bomb = await bombIn('claimed');
    const due = Date.parse(bomb.resolveDueAt ?? '');
    await must(ctx, ws.member, bomb.id, 'transition', { to: 'waiting', note: '型番を確認中' });
    await advance(ctx, hours(5));
    const resumed = await must(ctx, ws.member, bomb.id, 'transition', { to: 'claimed' });
    expect(Date.parse(resumed.resolveDueAt ?? '') - due).toBe(hours(5) * 1000);
    const types = (await timeline(ctx, ws.member, bomb.id)).map((e) => e.type);
    expect(types).toContain('bomb.clock_paused');
    expect(types).toContain('bomb.clock_resumed');
    const [span] = await ctx.deps.db.select().from(ownershipSpans).where(eq(ownershipSpans.bombId, bomb.id));
    expect(span?.pausedSeconds).toBe(hours(5));
  });
});

describe('decline, reroute and disputes', () => {
  it('decline needs a reason and sends the bomb to the suggested department, counting a bounce', async () => {
    const bomb = await bombIn('claimed');
    expect((await act(ctx, ws.member, bomb.id, 'decline', {})).status).toBe(400);
    const res = await act(ctx, ws.member, bomb.id, 'decline', {
      reason: '取説の問題です',
      suggestedDepartmentId: ws.departments.documentation,
    });
    expect(res.status).toBe(200);
    expect(res.body.bomb).toMatchObject({
      departmentId: ws.departments.documentation,
      status: 'open',
      assigneeId: null,
      bounces: 1,
      tier: 0,
    });
    const declined = (await timeline(ctx, ws.pm, bomb.id)).find((e) => e.type === 'bomb.declined');
    expect(declined?.data).toMatchObject({
      reason: '取説の問題です',
      fromDepartmentId: ws.departments.logistics,
      toDepartmentId: ws.departments.documentation,
    });
    const spans = await ctx.deps.db
      .select()
      .from(ownershipSpans)
      .where(eq(ownershipSpans.bombId, bomb.id))
      .orderBy(asc(ownershipSpans.routedAt));
    expect(spans.map((s) => [s.departmentId, s.endReason])).toEqual([
      [ws.departments.logistics, 'declined'],
      [ws.departments.documentation, null],
    ]);
  });

  it('decline without a suggestion goes to the routing fallback; an empty department also falls back', async () => {
    const bomb = await bombIn('open');
    const res = await act(ctx, ws.member, bomb.id, 'decline', { reason: 'not ours' });
    expect(res.body.bomb?.departmentId).toBe(ws.departments.productOffice);
    const b2 = await bombIn('open');
    const empty = await act(ctx, ws.member, b2.id, 'decline', {
      reason: 'production should look',
      suggestedDepartmentId: ws.departments.production,
    });
    expect(empty.body.bomb?.departmentId).toBe(ws.departments.productOffice);
    const declined = (await timeline(ctx, ws.pm, b2.id)).find((e) => e.type === 'bomb.declined');
    expect(declined?.data.fallbackReason).toBe('department_empty');
  });

  it('an unknown suggested department is a 400; members of other departments may not decline', async () => {
    const bomb = await bombIn('open');
    const res = await act(ctx, ws.member, bomb.id, 'decline', {
      reason: 'x',
      suggestedDepartmentId: '00000000-0000-4000-8000-000000000009',
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.fields?.[0]?.path).toBe('suggestedDepartmentId');
    expect((await act(ctx, ws.docsMember, bomb.id, 'decline', { reason: 'x' })).status).toBe(403);
  });

  it('reroute: the lead of the current department, a pm or an admin; not a member', async () => {
    const bomb = await bombIn('open');
    const body = { departmentId: ws.departments.documentation, reason: 'manual issue' };
    expect((await act(ctx, ws.member, bomb.id, 'reroute', body)).status).toBe(403);
    const res = await act(ctx, ws.lead, bomb.id, 'reroute', body);
    expect(res.status).toBe(200);
    expect(res.body.bomb).toMatchObject({ departmentId: ws.departments.documentation, bounces: 1 });
    // The logistics lead no longer leads the department the bomb is in.
    const back = { departmentId: ws.departments.logistics, reason: 'back' };
    expect((await act(ctx, ws.lead, bomb.id, 'reroute', back)).status).toBe(403);
  });

  it('coming back to a department that passed it on is an ownership dispute for the PM', async () => {
    const bomb = await bombIn('open');
    await must(ctx, ws.member, bomb.id, 'decline', {
      reason: 'docs',
      suggestedDepartmentId: ws.departments.documentation,
    });
    const res = await act(ctx, ws.docsMember, bomb.id, 'decline', {
      reason: 'logistics after all',
      suggestedDepartmentId: ws.departments.logistics,
    });
    expect(res.body.bomb).toMatchObject({ disputed: true, bounces: 2, departmentId: ws.departments.logistics });
    const dispute = (await timeline(ctx, ws.pm, bomb.id)).filter((e) => e.type === 'bomb.disputed');
    expect(dispute).toHaveLength(1);
    expect(dispute[0]?.data).toMatchObject({ reason: 'cycle', target: 'pm' });
    // A pm settles it by rerouting: the flag clears.
    const settled = await must(ctx, ws.pm, bomb.id, 'reroute', {
      departmentId: ws.departments.documentation,
      reason: 'docs owns it',
    });
    expect(settled.disputed).toBe(false);
  });

  it('passing the bounce limit (a setting) is a dispute too', async () => {
    const put = await ctx.app.inject({
      method: 'PUT',
      url: '/api/settings/escalation',
      headers: ws.admin.headers,
      payload: { bounceLimit: 1 },
    });
    expect(put.statusCode).toBe(200);
    const bomb = await bombIn('resolved');
    await must(ctx, ws.field, bomb.id, 'transition', { to: 'open' });
    expect((await getBomb(ctx, ws.pm, bomb.id)).disputed).toBe(false);
    await must(ctx, ws.member, bomb.id, 'claim');
    await must(ctx, ws.member, bomb.id, 'transition', { to: 'resolved', rootCause: 'other' });
    const again = await must(ctx, ws.field, bomb.id, 'transition', { to: 'open' });
    expect(again).toMatchObject({ bounces: 2, disputed: true });
    const dispute = (await timeline(ctx, ws.pm, bomb.id)).find((e) => e.type === 'bomb.disputed');
    expect(dispute?.data.reason).toBe('bounce_limit');
    await ctx.app.inject({
      method: 'PUT',
      url: '/api/settings/escalation',
      headers: ws.admin.headers,
      payload: { bounceLimit: 3 },
    });
  });
});

describe('comments, helpers and activity columns', () => {
  it('a comment answers 201 {event} and moves last_other_action_at, not for the filer', async () => {
    const bomb = await bombIn('open');
    await advance(ctx, 60);
    const byFiler = await act(ctx, ws.field, bomb.id, 'comments', { body: 'まだ届いていません' });
    expect(byFiler.status).toBe(201);
    expect(byFiler.body.event).toMatchObject({ type: 'bomb.commented', data: { body: 'まだ届いていません' } });
    expect(dataOf(byFiler.body.event, 'bomb.commented').bomb).toMatchObject({ id: bomb.id });
    let [row] = await ctx.deps.db.select().from(bombs).where(eq(bombs.id, bomb.id));
    expect(row?.lastOtherActionAt).toBeNull();
    await advance(ctx, 60);
    await act(ctx, ws.member, bomb.id, 'comments', { body: 'checking with the courier' });
    [row] = await ctx.deps.db.select().from(bombs).where(eq(bombs.id, bomb.id));
    expect(row?.lastOtherActionAt?.getTime()).toBe(ctx.clock.now().getTime());
    expect(row?.lastAssigneeActionAt).toBeNull();
    expect((await act(ctx, ws.docsMember, bomb.id, 'comments', { body: 'x' })).status).toBe(403);
    expect((await act(ctx, ws.member, bomb.id, 'comments', { body: '' })).status).toBe(400);
  });

  it('the assignee acting moves last_assignee_action_at', async () => {
    const bomb = await bombIn('claimed');
    await advance(ctx, 120);
    await act(ctx, ws.member, bomb.id, 'comments', { body: 'on it' });
    const [row] = await ctx.deps.db.select().from(bombs).where(eq(bombs.id, bomb.id));
    expect(row?.lastAssigneeActionAt?.getTime()).toBe(ctx.clock.now().getTime());
  });

  it('anyone who sees a bomb joins as a helper, may then comment, and leaves', async () => {
    const bomb = await bombIn('open');
    const joined = await must(ctx, ws.docsMember, bomb.id, 'helpers');
    expect(joined.helperIds).toEqual([ws.docsMember.id]);
    expect((await act(ctx, ws.docsMember, bomb.id, 'comments', { body: 'I can help' })).status).toBe(201);
    const left = await must(ctx, ws.docsMember, bomb.id, 'helpers/me', undefined, { method: 'DELETE' });
    expect(left.helperIds).toEqual([]);
    const types = (await timeline(ctx, ws.pm, bomb.id)).map((e) => e.type);
    expect(types.filter((t) => t === 'bomb.helper_joined' || t === 'bomb.helper_left')).toEqual([
      'bomb.helper_joined',
      'bomb.helper_left',
    ]);
  });

  it('actions on a restricted bomb the viewer cannot see are 404', async () => {
    const bomb = await fileBomb(ctx, ws.field, { restricted: true, category: 'manual' });
    for (const [action, body] of [
      ['helpers', undefined],
      ['comments', { body: 'x' }],
      ['transition', { to: 'claimed' }],
      ['decline', { reason: 'x' }],
    ] as const) {
      expect((await act(ctx, ws.member, bomb.id, action, body)).status).toBe(404);
    }
  });

  it('unknown fields in an action body are a 400, not dropped', async () => {
    const bomb = await bombIn('open');
    const res = await act(ctx, ws.member, bomb.id, 'decline', { reason: 'x', assigneeId: ws.member.id });
    expect(res.status).toBe(400);
  });
});
