import { escalateDue } from '@defuse/server/commands/escalate-due';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, advance, getBomb, timeline } from '../helpers/actions.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { days } from '../helpers/clock.ts';
import { type Actor, createActor, createWorkspace, fileBomb } from '../helpers/factories.ts';

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;

// A pool of 10 connections, so on PostgreSQL the claims really run side by side.
beforeAll(async () => {
  ctx = await createTestContext({ dbMax: 10 });
  ws = await createWorkspace(ctx);
});
afterAll(() => ctx.close());

describe('POST /api/bombs/:id/claim', () => {
  it('of 50 simultaneous claims exactly one wins; the rest get 409 already_claimed naming the winner', async () => {
    const members: Actor[] = [];
    for (let i = 0; i < 50; i++)
      members.push(await createActor(ctx, 'member', { departmentIds: [ws.departments.logistics] }));
    const bomb = await fileBomb(ctx, ws.field);
    const results = await Promise.all(members.map((m) => act(ctx, m, bomb.id, 'claim')));
    const ok = results.filter((r) => r.status === 200);
    const conflicts = results.filter((r) => r.status === 409);
    expect(ok).toHaveLength(1);
    expect(conflicts).toHaveLength(49);
    expect(results.filter((r) => r.status >= 500)).toHaveLength(0);
    const winner = ok[0]?.body.bomb?.assigneeId;
    expect(winner).toBeTruthy();
    for (const c of conflicts) {
      expect(c.body.error?.code).toBe('already_claimed');
      expect(c.body.error?.details?.assigneeId).toBe(winner);
    }
    const events = await timeline(ctx, ws.pm, bomb.id);
    expect(events.filter((e) => e.type === 'bomb.claimed')).toHaveLength(1);
    const after = await getBomb(ctx, ws.pm, bomb.id);
    expect(after).toMatchObject({ status: 'claimed', assigneeId: winner, claimDueAt: null, version: bomb.version + 1 });
    expect(after.resolveDueAt).not.toBeNull();
  });

  it('claiming halts the claim escalation', async () => {
    const bomb = await fileBomb(ctx, ws.field);
    expect((await act(ctx, ws.member, bomb.id, 'claim')).status).toBe(200);
    await advance(ctx, days(3));
    await escalateDue(ctx.deps);
    const events = await timeline(ctx, ws.pm, bomb.id);
    expect(events.filter((e) => e.type === 'bomb.escalated' && e.data.reason === 'claim_overdue')).toHaveLength(0);
  });

  it('only members of the routed department (or managers) claim; others get 403', async () => {
    const bomb = await fileBomb(ctx, ws.field);
    expect((await act(ctx, ws.docsMember, bomb.id, 'claim')).status).toBe(403);
    expect((await act(ctx, ws.field, bomb.id, 'claim')).status).toBe(403);
    expect((await act(ctx, ws.pm, bomb.id, 'claim')).status).toBe(200);
  });

  it('a restricted bomb the viewer cannot see is 404, and an unknown id too', async () => {
    const bomb = await fileBomb(ctx, ws.field, { restricted: true, category: 'manual' });
    expect((await act(ctx, ws.member, bomb.id, 'claim')).status).toBe(404);
    expect((await act(ctx, ws.member, '00000000-0000-4000-8000-000000000000', 'claim')).status).toBe(404);
  });

  it('a claim by the assignee again is 409 already_claimed, since the bomb is no longer open', async () => {
    const bomb = await fileBomb(ctx, ws.field);
    expect((await act(ctx, ws.member, bomb.id, 'claim')).status).toBe(200);
    const again = await act(ctx, ws.member, bomb.id, 'claim');
    expect(again.status).toBe(409);
    expect(again.body.error?.code).toBe('already_claimed');
  });
});
