import { bombs, events } from '@defuse/drizzle';
import { drainIsolation, runIsolation } from '@defuse/server/commands/refresh-isolation';
import { SCHEDULER_TASKS } from '@defuse/server/plugins/scheduler';
import {
  AssignBuddyResponseSchema,
  EventsResponseSchema,
  type IsolationPersonResponse,
  IsolationPersonResponseSchema,
  IsolationResponseSchema,
  type IsolationSettings,
} from '@defuse/shared';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, advance, must } from '../helpers/actions.ts';
import type { TestContext } from '../helpers/app.ts';
import { createTestContext } from '../helpers/app.ts';
import { days, hours } from '../helpers/clock.ts';
import { type Actor, createActor, createWorkspace, fileBomb } from '../helpers/factories.ts';
import { bodyOf } from '../helpers/inject.ts';

/** Short windows so a test moves minutes, not days; load and trend parts made negligible. */
const SETTINGS: IsolationSettings = {
  silenceSeconds: 600,
  breadthWindowSeconds: 3600,
  trendWindowSeconds: 7 * 86_400,
  watchScore: 25,
  isolatedScore: 60,
  bounceLimit: 2,
  idleSeconds: 900,
  soloLongSeconds: 1800,
  loadHigh: 10_000,
  silentBombsHigh: 3,
  overdueBombsHigh: 1,
  breadthLow: 1,
  trendHigh: 10_000,
};

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;

beforeEach(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
  const res = await ctx.app.inject({
    method: 'PUT',
    url: '/api/settings/isolation',
    headers: ws.admin.headers,
    payload: SETTINGS,
  });
  expect(res.statusCode).toBe(200);
});
afterEach(async () => ctx.close());

async function entryOf(viewer: Actor, personId: string): Promise<IsolationPersonResponse> {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/isolation/${personId}`, headers: viewer.headers });
  expect(res.statusCode).toBe(200);
  return bodyOf(res, IsolationPersonResponseSchema);
}

async function changes(personId: string) {
  const rows = await ctx.deps.db
    .select()
    .from(events)
    .where(and(eq(events.type, 'person.isolation_changed'), eq(events.personId, personId)))
    .orderBy(events.seq);
  return rows.map(
    (r) => r.data as { state: string; previousState: string; score: number; reasons: { code: string }[] },
  );
}

/** POST /api/bombs/:id/comments as `actor`: a comment answers 201 with its event, not the bomb. */
async function comment(actor: Actor, bombId: string, body = 'Looking into it') {
  const res = await act(ctx, actor, bombId, 'comments', { body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function fileThree(actor: Actor) {
  const list = [];
  for (const title of ['Parcel lost', 'Manual unclear', 'Out of stock'])
    list.push(await fileBomb(ctx, actor, { title }));
  return list;
}

describe('signals from the event log', () => {
  it('silence starts at the window, exactly one isolation_changed per state change, reasons name the bombs', async () => {
    const filed = await fileThree(ws.field);
    await drainIsolation(ctx.deps);
    let entry = await entryOf(ws.field, ws.field.id);
    expect(entry).toMatchObject({ state: 'ok', signals: { openBombs: 3, load: 3, silentBombs: 0, breadth: 0 } });

    ctx.clock.advance(599);
    await drainIsolation(ctx.deps);
    expect((await entryOf(ws.field, ws.field.id)).signals.silentBombs).toBe(0);
    expect(await changes(ws.field.id)).toEqual([]);

    ctx.clock.advance(1);
    await drainIsolation(ctx.deps);
    entry = await entryOf(ws.field, ws.field.id);
    // silence 30 + narrow breadth 10
    expect(entry).toMatchObject({ state: 'watch', score: 40, signals: { silentBombs: 3, maxSoloCarrySeconds: 600 } });
    const silence = entry.reasons.find((r) => r.code === 'silence');
    expect(silence?.messages?.ja).toMatch(/^3件の爆弾に10分間誰も反応していません/);
    expect(silence?.messages?.en).toMatch(/^3 bombs nobody has answered for 10 minutes/);
    expect(new Set(silence?.bombIds)).toEqual(new Set(filed.map((b) => b.id)));

    await drainIsolation(ctx.deps); // nothing new: no second event
    const changed = await changes(ws.field.id);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ state: 'watch', previousState: 'ok', score: 40 });
    expect(changed[0]?.reasons.map((r) => r.code)).toEqual(['silence', 'narrow_breadth']);
  });

  it('a comment by someone else ends silence on that bomb and counts for breadth', async () => {
    const [first] = await fileThree(ws.field);
    ctx.clock.advance(600);
    await drainIsolation(ctx.deps);
    expect((await entryOf(ws.field, ws.field.id)).state).toBe('watch');

    if (!first) throw new Error('no bomb');
    await comment(ws.member, first.id);
    await drainIsolation(ctx.deps);
    const entry = await entryOf(ws.field, ws.field.id);
    expect(entry.signals).toMatchObject({ silentBombs: 2, breadth: 1 });
    expect(entry).toMatchObject({ state: 'ok', score: 20 });
    expect((await changes(ws.field.id)).map((c) => c.state)).toEqual(['watch', 'ok']);
  });

  it('the filer talking alone is a monologue: their own comments keep the bomb silent', async () => {
    const bomb = await fileBomb(ctx, ws.field);
    ctx.clock.advance(300);
    await comment(ws.field, bomb.id, 'Any news?');
    ctx.clock.advance(300);
    await drainIsolation(ctx.deps);
    expect((await entryOf(ws.field, ws.field.id)).signals).toMatchObject({ silentBombs: 1, maxSoloCarrySeconds: 600 });
  });

  it('solo-carry past its limit, bounces past the limit and breadth leaving the window', async () => {
    // Only a lead of the current department (or a pm or admin) reroutes: documentation's lead does.
    const docsLead = await createActor(ctx, 'lead', { leadOf: [ws.departments.documentation] });
    const bomb = await fileBomb(ctx, ws.field);
    await must(ctx, ws.member, bomb.id, 'decline', {
      reason: 'Not ours',
      suggestedDepartmentId: ws.departments.documentation,
    });
    await must(ctx, docsLead, bomb.id, 'reroute', { departmentId: ws.departments.productOffice, reason: 'Not ours' });
    await drainIsolation(ctx.deps);
    let entry = await entryOf(ws.pm, ws.field.id);
    expect(entry.signals).toMatchObject({ bounces: 2, breadth: 2, silentBombs: 0 });
    expect(entry.reasons.find((r) => r.code === 'bounced')?.messages).toMatchObject({
      en: `${bomb.key} bounced 2 times`,
    });
    expect(entry.score).toBe(10);

    ctx.clock.advance(1800);
    await drainIsolation(ctx.deps);
    entry = await entryOf(ws.pm, ws.field.id);
    // silence 10 (1 of 3) + solo-long 10 + bounced 10
    expect(entry.signals).toMatchObject({ silentBombs: 1, maxSoloCarrySeconds: 1800, breadth: 2 });
    expect(entry.score).toBe(30);
    expect(entry.reasons.find((r) => r.code === 'solo_long')?.bombIds).toEqual([bomb.id]);

    ctx.clock.advance(1800); // both helpers' last actions are now an hour old: outside the breadth window
    await drainIsolation(ctx.deps);
    entry = await entryOf(ws.pm, ws.field.id);
    expect(entry.signals.breadth).toBe(0);
    expect(entry.score).toBe(40);
    expect(entry.state).toBe('watch');
  });

  it('waiting: an unclaimed bomb past its claim deadline is reported when the deadline passes', async () => {
    const bomb = await fileBomb(ctx, ws.field, { severity: 'critical' });
    if (!bomb.claimDueAt) throw new Error('routed bombs have a claim deadline');
    ctx.clock.set(new Date(new Date(bomb.claimDueAt).getTime() - 1000));
    await drainIsolation(ctx.deps);
    expect((await entryOf(ws.field, ws.field.id)).signals.overdueBombs).toBe(0);
    ctx.clock.advance(1);
    await drainIsolation(ctx.deps);
    const entry = await entryOf(ws.field, ws.field.id);
    expect(entry.signals.overdueBombs).toBe(1);
    expect(entry.signals.maxWaitingSeconds).toBe(3600);
    expect(entry.reasons.find((r) => r.code === 'claim_overdue')).toMatchObject({
      bombIds: [bomb.id],
      messages: { en: `1 bomb past the claim deadline with no owner yet (${bomb.key})` },
    });
  });

  it('assignees: claimed bombs count as their load, and claim-and-sit after the idle window', async () => {
    const bomb = await fileBomb(ctx, ws.field, { severity: 'high' });
    await must(ctx, ws.member, bomb.id, 'claim');
    await drainIsolation(ctx.deps);
    expect((await entryOf(ws.member, ws.member.id)).signals).toMatchObject({
      load: 2,
      openBombs: 1,
      claimedIdleBombs: 0,
    });

    ctx.clock.advance(900);
    await drainIsolation(ctx.deps);
    const member = await entryOf(ws.member, ws.member.id);
    expect(member.signals.claimedIdleBombs).toBe(1);
    expect(member.reasons.find((r) => r.code === 'claimed_idle')?.messages?.en).toContain('not a performance rating');

    await comment(ws.member, bomb.id);
    await drainIsolation(ctx.deps);
    expect((await entryOf(ws.member, ws.member.id)).signals.claimedIdleBombs).toBe(0);

    await must(ctx, ws.member, bomb.id, 'transition', { to: 'resolved', rootCause: 'shipping_operations' });
    await drainIsolation(ctx.deps);
    expect((await entryOf(ws.member, ws.member.id)).signals.openBombs).toBe(0);
    // resolved is still the filer's until they close it
    expect((await entryOf(ws.field, ws.field.id)).signals.openBombs).toBe(1);
    await must(ctx, ws.field, bomb.id, 'transition', { to: 'closed' });
    await drainIsolation(ctx.deps);
    expect((await entryOf(ws.field, ws.field.id)).signals.openBombs).toBe(0);
  });

  it('a bomb leaving its assignee (bounced after a claim) is recomputed for the one it left', async () => {
    const bomb = await fileBomb(ctx, ws.field);
    await must(ctx, ws.member, bomb.id, 'claim');
    await drainIsolation(ctx.deps);
    expect((await entryOf(ws.member, ws.member.id)).signals.openBombs).toBe(1);
    await must(ctx, ws.lead, bomb.id, 'reroute', { departmentId: ws.departments.documentation, reason: 'Not ours' });
    await drainIsolation(ctx.deps);
    expect((await entryOf(ws.member, ws.member.id)).signals.openBombs).toBe(0);
  });

  it('trend compares load now with load a trend window ago; history keeps 30 days', async () => {
    await fileBomb(ctx, ws.field);
    await drainIsolation(ctx.deps);
    // Six hours at a time, reading each time so the session stays alive; midnights pass on the scheduler.
    for (let i = 0; i < 32; i++) {
      ctx.clock.advance(hours(6));
      await drainIsolation(ctx.deps);
      await entryOf(ws.field, ws.field.id);
    }
    await fileBomb(ctx, ws.field, { severity: 'critical' });
    await drainIsolation(ctx.deps);
    const entry = await entryOf(ws.field, ws.field.id);
    expect(entry.signals).toMatchObject({ load: 5, trend: 4 });
    expect(entry.history).toHaveLength(30);
    expect(entry.history.at(-1)).toMatchObject({ day: '2026-03-10', load: 5 });
    expect(entry.history.at(-9)).toMatchObject({ day: '2026-03-02', load: 1 });
    expect(entry.history.at(-10)).toMatchObject({ day: '2026-03-01', load: 0, state: 'ok' });
    // the scheduler wrote a row each midnight with the day's solo-carry
    expect(entry.history.at(-5)?.soloCarrySeconds).toBeGreaterThan(days(3));
  });

  it('the list brings solo-carry and waiting up to now without recomputing', async () => {
    await fileBomb(ctx, ws.field);
    await drainIsolation(ctx.deps);
    ctx.clock.advance(120);
    const res = await ctx.app.inject({ method: 'GET', url: '/api/isolation', headers: ws.pm.headers });
    const entry = bodyOf(res, IsolationResponseSchema).people.find((p) => p.personId === ws.field.id);
    expect(entry?.signals).toMatchObject({ maxSoloCarrySeconds: 120, soloCarrySeconds: 120, maxWaitingSeconds: 120 });
  });
});

describe('the dashboard list', () => {
  it('names at most 5 bombs per reason, with the full count; a person page names up to 50', async () => {
    for (let i = 0; i < 12; i++) await fileBomb(ctx, ws.field, { title: `Bomb ${i}` });
    ctx.clock.advance(600);
    await drainIsolation(ctx.deps);
    const english = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/me',
      headers: ws.pm.headers,
      payload: { locale: 'en' },
    });
    expect(english.statusCode).toBe(200);
    const res = await ctx.app.inject({ method: 'GET', url: '/api/isolation', headers: ws.pm.headers });
    const listed = bodyOf(res, IsolationResponseSchema).people.find((p) => p.personId === ws.field.id);
    const silence = listed?.reasons.find((r) => r.code === 'silence');
    expect(silence?.bombIds).toHaveLength(5);
    expect(silence?.bombCount).toBe(12);
    // the list speaks the viewer's language only; both are on the person's page
    expect(silence?.message).toMatch(
      /^12 bombs nobody has answered for 10 minutes \(SHIP-\d+, SHIP-\d+, SHIP-\d+ \+9\)$/,
    );
    expect(silence).not.toHaveProperty('messages');
    const page = await entryOf(ws.pm, ws.field.id);
    expect(page.reasons.find((r) => r.code === 'silence')?.bombIds).toHaveLength(12);
  });
});

describe('the projector', () => {
  it('projects each event once when two instances run at the same time', async () => {
    await fileThree(ws.field);
    ctx.clock.advance(600);
    await Promise.all([runIsolation(ctx.deps), runIsolation(ctx.deps), runIsolation(ctx.deps)]);
    await drainIsolation(ctx.deps);
    expect(await changes(ws.field.id)).toHaveLength(1);
  });

  it('runs as the production scheduler task', async () => {
    await fileThree(ws.field);
    ctx.clock.advance(600);
    const task = SCHEDULER_TASKS.find((t) => t.name === 'isolation');
    await task?.run(ctx.deps);
    expect((await entryOf(ws.field, ws.field.id)).state).toBe('watch');
    expect(await changes(ws.field.id)).toHaveLength(1);
  });

  it('a settings change re-evaluates everyone through the scheduler', async () => {
    await fileThree(ws.field);
    ctx.clock.advance(300);
    await drainIsolation(ctx.deps);
    expect((await entryOf(ws.field, ws.field.id)).state).toBe('ok');
    const res = await ctx.app.inject({
      method: 'PUT',
      url: '/api/settings/isolation',
      headers: ws.admin.headers,
      payload: { ...SETTINGS, silenceSeconds: 300 },
    });
    expect(res.statusCode).toBe(200);
    expect((await entryOf(ws.field, ws.field.id)).state).toBe('ok'); // not in the request
    await drainIsolation(ctx.deps);
    expect((await entryOf(ws.field, ws.field.id)).state).toBe('watch');
  });
});

describe('buddy', () => {
  it('a PM assigns a buddy: they join the open bombs as helper, are told, and their actions count', async () => {
    const filed = await fileThree(ws.field);
    const [first] = filed;
    if (!first) throw new Error('no bomb');
    // Only a resolved bomb closes: logistics claims and resolves it, then its filer closes it.
    // Closed, it is no longer carried, so logistics' actions on it count for nobody's breadth.
    await must(ctx, ws.member, first.id, 'claim');
    await must(ctx, ws.member, first.id, 'transition', { to: 'resolved', rootCause: 'shipping_operations' });
    await must(ctx, ws.field, first.id, 'transition', { to: 'closed' });
    ctx.clock.advance(600);
    await drainIsolation(ctx.deps);
    expect((await entryOf(ws.field, ws.field.id)).signals.silentBombs).toBe(2);

    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/isolation/${ws.field.id}/buddy`,
      headers: ws.pm.headers,
      payload: { buddyId: ws.otherField.id },
    });
    expect(res.statusCode).toBe(200);
    const open = filed.slice(1).map((b) => b.id);
    expect(new Set(bodyOf(res, AssignBuddyResponseSchema).bombIds)).toEqual(new Set(open));
    for (const id of open) {
      const [row] = await ctx.deps.db.select({ helperIds: bombs.helperIds }).from(bombs).where(eq(bombs.id, id));
      expect(row?.helperIds).toEqual([ws.otherField.id]);
    }
    const [row] = await ctx.deps.db.select({ helperIds: bombs.helperIds }).from(bombs).where(eq(bombs.id, first.id));
    expect(row?.helperIds).toEqual([]);
    const told = await ctx.deps.db
      .select()
      .from(events)
      .where(and(eq(events.type, 'person.buddy_assigned'), eq(events.personId, ws.otherField.id)));
    expect(told).toHaveLength(1);
    expect(told[0]?.data).toMatchObject({ personId: ws.field.id, buddyId: ws.otherField.id, assignedById: ws.pm.id });
    const live = await ctx.app.inject({ method: 'GET', url: '/api/events?after=0', headers: ws.otherField.headers });
    expect(bodyOf(live, EventsResponseSchema).events.map((e) => e.type)).toContain('person.buddy_assigned');

    // Being placed is not answering; acting is.
    await drainIsolation(ctx.deps);
    expect((await entryOf(ws.field, ws.field.id)).signals).toMatchObject({ silentBombs: 2, breadth: 0 });
    await comment(ws.otherField, open[0] ?? '', 'I can help with this');
    await must(ctx, ws.docsMember, open[1] ?? '', 'helpers');
    await drainIsolation(ctx.deps);
    expect((await entryOf(ws.field, ws.field.id)).signals).toMatchObject({ silentBombs: 0, breadth: 2 });
  });

  it('refuses a buddy for themself, an unknown buddy, and anyone but pms and admins', async () => {
    const post = (actor: Actor, buddyId: string) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/isolation/${ws.field.id}/buddy`,
        headers: actor.headers,
        payload: { buddyId },
      });
    expect((await post(ws.pm, ws.field.id)).statusCode).toBe(400);
    const unknown = await post(ws.admin, '0f0f0f0f-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { code: 'validation_failed', fields: [{ path: 'buddyId' }] } });
    expect((await post(ws.lead, ws.member.id)).statusCode).toBe(403);
    expect((await post(ws.field, ws.member.id)).statusCode).toBe(403);
  });
});

describe('visibility', () => {
  beforeEach(async () => {
    await fileBomb(ctx, ws.field);
    const other = await fileBomb(ctx, ws.otherField);
    await must(ctx, ws.member, other.id, 'claim');
    await drainIsolation(ctx.deps);
  });

  it('a field contact reads only its own entry and not the dashboard', async () => {
    expect((await entryOf(ws.field, ws.field.id)).personId).toBe(ws.field.id);
    const other = await ctx.app.inject({
      method: 'GET',
      url: `/api/isolation/${ws.otherField.id}`,
      headers: ws.field.headers,
    });
    expect(other.statusCode).toBe(403);
    const list = await ctx.app.inject({ method: 'GET', url: '/api/isolation', headers: ws.field.headers });
    expect(list.statusCode).toBe(403);
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/isolation', headers: ws.member.headers })).statusCode,
    ).toBe(403);
  });

  it('pms and admins see everyone, highest score first; a lead its departments', async () => {
    for (const actor of [ws.pm, ws.admin]) {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/isolation', headers: actor.headers });
      expect(res.statusCode).toBe(200);
      const ids = bodyOf(res, IsolationResponseSchema).people.map((p) => p.personId);
      expect(new Set(ids)).toEqual(new Set([ws.field.id, ws.otherField.id, ws.member.id]));
    }
    const res = await ctx.app.inject({ method: 'GET', url: '/api/isolation', headers: ws.lead.headers });
    expect(bodyOf(res, IsolationResponseSchema).people.map((p) => p.personId)).toEqual([ws.member.id]);
    expect(
      (await ctx.app.inject({ method: 'GET', url: `/api/isolation/${ws.member.id}`, headers: ws.lead.headers }))
        .statusCode,
    ).toBe(200);
    expect(
      (await ctx.app.inject({ method: 'GET', url: `/api/isolation/${ws.field.id}`, headers: ws.lead.headers }))
        .statusCode,
    ).toBe(403);
  });

  it('the list is ordered by score and filters by state; reasons come in the viewer language', async () => {
    ctx.clock.advance(1800);
    await drainIsolation(ctx.deps);
    const res = await ctx.app.inject({ method: 'GET', url: '/api/isolation?state=watch', headers: ws.pm.headers });
    const people = bodyOf(res, IsolationResponseSchema).people;
    // field: silence 10 + solo 10 + nobody else 10 = 30; member: silence 10 + solo 10 + claim-and-sit 5 = 25
    expect(people.map((p) => [p.personId, p.score])).toEqual([
      [ws.field.id, 30],
      [ws.member.id, 25],
    ]);
    const first = people[0]?.reasons[0];
    expect(first?.message).toBe(
      (await entryOf(ws.pm, ws.field.id)).reasons.find((r) => r.code === first?.code)?.messages?.ja,
    );
    expect(first?.message).toMatch(/[ぁ-んァ-ン一-龯]/);
    const all = bodyOf(
      await ctx.app.inject({ method: 'GET', url: '/api/isolation', headers: ws.pm.headers }),
      IsolationResponseSchema,
    );
    const scores = all.people.map((p) => p.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const bad = await ctx.app.inject({
      method: 'GET',
      url: '/api/isolation?state=lonely&limit=0',
      headers: ws.pm.headers,
    });
    expect(bad.statusCode).toBe(400);
  });

  it('an unknown person is 404 for a pm, 403 for a field contact', async () => {
    const id = '0f0f0f0f-0000-4000-8000-000000000000';
    expect(
      (await ctx.app.inject({ method: 'GET', url: `/api/isolation/${id}`, headers: ws.pm.headers })).statusCode,
    ).toBe(404);
    expect(
      (await ctx.app.inject({ method: 'GET', url: `/api/isolation/${id}`, headers: ws.field.headers })).statusCode,
    ).toBe(403);
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/isolation/not-a-uuid', headers: ws.pm.headers })).statusCode,
    ).toBe(400);
  });
});

describe('settings', () => {
  it('validates thresholds with field errors; only admins change them', async () => {
    const get = await ctx.app.inject({ method: 'GET', url: '/api/settings/isolation', headers: ws.pm.headers });
    expect(get.json()).toEqual(SETTINGS);
    const bad = await ctx.app.inject({
      method: 'PUT',
      url: '/api/settings/isolation',
      headers: ws.admin.headers,
      payload: { ...SETTINGS, silenceSeconds: 0, extra: 1 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation_failed' } });
    const crossed = await ctx.app.inject({
      method: 'PUT',
      url: '/api/settings/isolation',
      headers: ws.admin.headers,
      payload: { ...SETTINGS, watchScore: 70, isolatedScore: 60 },
    });
    expect(crossed.statusCode).toBe(400);
    expect(crossed.json()).toMatchObject({
      error: { fields: [{ path: 'isolatedScore', message: 'must be at least watchScore' }] },
    });
    const defaults = await ctx.app.inject({
      method: 'PUT',
      url: '/api/settings/isolation',
      headers: ws.admin.headers,
      payload: {
        silenceSeconds: 60,
        breadthWindowSeconds: 60,
        trendWindowSeconds: 60,
        watchScore: 1,
        isolatedScore: 2,
        bounceLimit: 1,
      },
    });
    expect(defaults.json()).toMatchObject({ idleSeconds: 86_400, loadHigh: 10 });
    const forbidden = await ctx.app.inject({
      method: 'PUT',
      url: '/api/settings/isolation',
      headers: ws.pm.headers,
      payload: SETTINGS,
    });
    expect(forbidden.statusCode).toBe(403);
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/settings/isolation', headers: ws.field.headers })).statusCode,
    ).toBe(403);
  });
});

describe('reasons in the board’s language, naming bombs by key', () => {
  it('the language the board sends wins over the account’s; every named bomb comes with its key', async () => {
    const filed = await fileThree(ws.field);
    ctx.clock.advance(600);
    await drainIsolation(ctx.deps);
    const list = async (headers: Record<string, string>) => {
      const res = await ctx.app.inject({
        method: 'GET',
        url: '/api/isolation',
        headers: { ...ws.pm.headers, ...headers },
      });
      expect(res.statusCode).toBe(200);
      const entry = bodyOf(res, IsolationResponseSchema).people.find((p) => p.personId === ws.field.id);
      const silence = entry?.reasons.find((r) => r.code === 'silence');
      if (!silence) throw new Error('no silence reason');
      return silence;
    };
    // The pm's account is Japanese (the default); the English board asks in English.
    expect((await list({})).message).toMatch(/誰も反応していません/);
    expect((await list({ 'accept-language': 'en' })).message).toMatch(/^3 bombs nobody has answered/);
    expect((await list({ 'accept-language': 'fr-FR, en;q=0.8, ja;q=0.5' })).message).toMatch(/^3 bombs/);
    expect((await list({ 'accept-language': 'de' })).message).toMatch(/誰も反応していません/);
    const silence = await list({ 'accept-language': 'en' });
    expect(silence.bombKeys).toEqual(Object.fromEntries(filed.map((b) => [b.id, b.key])));

    const own = await ctx.app.inject({
      method: 'GET',
      url: `/api/isolation/${ws.field.id}`,
      headers: { ...ws.field.headers, 'accept-language': 'en-US,en;q=0.9' },
    });
    const mine = bodyOf(own, IsolationPersonResponseSchema).reasons.find((r) => r.code === 'silence');
    expect(mine?.message).toMatch(/^3 bombs nobody has answered/);
    expect(Object.values(mine?.bombKeys ?? {}).sort()).toEqual(filed.map((b) => b.key).sort());
  });

  it('a lead is not told the id or key of a restricted bomb it may not read', async () => {
    const productionLead = await createActor(ctx, 'lead', { leadOf: [ws.departments.production] });
    const worker = await createActor(ctx, 'member', {
      departmentIds: [ws.departments.production, ws.departments.logistics],
    });
    const secret = await fileBomb(ctx, ws.field, { restricted: true, title: 'Private matter' });
    await must(ctx, worker, secret.id, 'claim');
    const open = await fileBomb(ctx, ws.field, { title: 'Public matter' });
    await must(ctx, worker, open.id, 'claim');
    await advance(ctx, days(2));
    await drainIsolation(ctx.deps);
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/isolation/${worker.id}`,
      headers: productionLead.headers,
    });
    expect(res.statusCode).toBe(200);
    const reasons = bodyOf(res, IsolationPersonResponseSchema).reasons;
    // The restricted bomb is neither listed, keyed nor named in any message; the open one is keyed.
    expect(reasons.some((r) => r.bombIds.includes(open.id))).toBe(true);
    for (const r of reasons) {
      expect(r.bombIds).not.toContain(secret.id);
      expect(r.bombKeys?.[secret.id]).toBeUndefined();
      expect(r.message).not.toContain(secret.key);
      if (r.bombIds.includes(open.id)) expect(r.bombKeys?.[open.id]).toBe(open.key);
    }
  });
});
