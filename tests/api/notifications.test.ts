import { notifications } from '@defuse/drizzle';
import { drainNotifications } from '@defuse/server/commands/project-notifications';
import { runChange } from '@defuse/server/commands/run-change';
import { appendEvents } from '@defuse/server/queries/events';
import { NotificationsResponseSchema } from '@defuse/shared';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { must } from '../helpers/actions.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { type Actor, createWorkspace, fileBomb } from '../helpers/factories.ts';
import { bodyOf } from '../helpers/inject.ts';

describe('notifications: who hears what, and the inbox API', () => {
  let ctx: TestContext;
  let w: Awaited<ReturnType<typeof createWorkspace>>;
  const project = () => drainNotifications(ctx.deps, { email: false });
  const inbox = async (actor: Actor, query = '') => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/notifications${query}`, headers: actor.headers });
    expect(res.statusCode, res.body).toBe(200);
    return bodyOf(res, NotificationsResponseSchema);
  };
  const kindsOf = async (actor: Actor) => (await inbox(actor)).items.map((i) => `${i.kind}:${i.bombKey ?? ''}`);

  beforeEach(async () => {
    ctx = await createTestContext();
    w = await createWorkspace(ctx);
  });
  afterEach(async () => ctx.close());

  it('a filed bomb reaches its department (lead and members), not the filer nor anyone else', async () => {
    const bomb = await fileBomb(ctx, w.field);
    await project();
    for (const who of [w.lead, w.member]) expect(await kindsOf(who)).toEqual([`routed:${bomb.key}`]);
    for (const who of [w.field, w.otherField, w.docsMember, w.pm, w.admin]) expect(await kindsOf(who)).toEqual([]);
    const [item] = (await inbox(w.lead)).items;
    expect(item).toMatchObject({ bombId: bomb.id, readAt: null, lessonId: null });
  });

  it('the text is in the reader’s language, specific to the bomb', async () => {
    const bomb = await fileBomb(ctx, w.field, { title: 'Pallet went to the wrong warehouse' });
    await project();
    const ja = (await inbox(w.lead)).items[0];
    expect(ja?.title).toBe(`${bomb.key} があなたの部署に届きました`);
    expect(ja?.body).toContain('Pallet went to the wrong warehouse');
    const saved = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/me',
      headers: w.lead.headers,
      payload: { locale: 'en' },
    });
    expect(saved.statusCode).toBe(200);
    expect((await inbox(w.lead)).items[0]?.title).toBe(`${bomb.key} arrived in your department`);
  });

  it('comments reach filer, assignee and helpers but never their writer; resolving asks the filer to confirm', async () => {
    const bomb = await fileBomb(ctx, w.field);
    await must(ctx, w.member, bomb.id, 'claim');
    await must(ctx, w.lead, bomb.id, 'helpers');
    await project();
    await ctx.app.inject({
      method: 'POST',
      url: '/api/notifications/read',
      headers: w.lead.headers,
      payload: { all: true },
    });
    await ctx.app.inject({
      method: 'POST',
      url: '/api/notifications/read',
      headers: w.member.headers,
      payload: { all: true },
    });

    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/bombs/${bomb.id}/comments`,
      headers: w.member.headers,
      payload: { body: 'Which warehouse shipped it?' },
    });
    expect(res.statusCode).toBe(201);
    await project();
    expect(await kindsOf(w.field)).toEqual([`commented:${bomb.key}`]);
    expect((await inbox(w.lead, '?unread=true')).items.map((i) => i.kind)).toEqual(['commented']);
    expect((await inbox(w.member, '?unread=true')).items).toEqual([]);
    expect((await inbox(w.field)).items[0]?.body).toBe('Which warehouse shipped it?');

    await must(ctx, w.member, bomb.id, 'transition', { to: 'resolved', rootCause: 'shipping_operations' });
    await project();
    expect((await inbox(w.field)).items.map((i) => i.kind)).toEqual(['resolved', 'commented']);
    expect((await inbox(w.lead, '?unread=true')).items.map((i) => i.kind)).toEqual(['commented']);
  });

  it('nobody hears about a restricted bomb they may no longer see', async () => {
    const bomb = await fileBomb(ctx, w.field, { restricted: true });
    // Passed on to documentation before the projector ran: logistics may no longer see it.
    await must(ctx, w.lead, bomb.id, 'reroute', {
      departmentId: w.departments.documentation,
      reason: 'a manual question',
    });
    await project();
    expect(await kindsOf(w.member)).toEqual([]);
    expect(await kindsOf(w.lead)).toEqual([]);
    expect(await kindsOf(w.docsMember)).toEqual([`routed:${bomb.key}`]);
  });

  it('a person’s own isolation change reaches only them; events with no kind (admin.*) reach nobody', async () => {
    await runChange(ctx.deps, async (tx) => ({
      result: null,
      events: await appendEvents(tx, [
        {
          type: 'person.isolation_changed',
          personId: w.member.id,
          actorId: null,
          at: ctx.clock.now(),
          data: { state: 'watch', previousState: 'ok', score: 40, reasons: [] },
        },
        {
          type: 'admin.person_updated',
          actorId: w.admin.id,
          at: ctx.clock.now(),
          data: { personId: w.member.id, changed: ['name'], before: { name: 'A' }, after: { name: 'B' } },
        },
      ]),
    }));
    await project();
    const [item] = (await inbox(w.member)).items;
    expect(item?.kind).toBe('isolation');
    expect(item?.title).toContain('シグナル');
    expect(item?.body).toContain('評価ではありません');
    for (const who of [w.lead, w.pm, w.admin, w.field]) expect(await kindsOf(who)).toEqual([]);
  });

  it('each event is projected once, however often the projector runs', async () => {
    await fileBomb(ctx, w.field);
    await Promise.all([project(), project(), project()]);
    await project();
    const [count] = await ctx.deps.db.select({ n: sql<number>`count(*)::int` }).from(notifications);
    expect(count?.n).toBe(2);
  });

  it('pages newest first by cursor, counts unread, and marks one or all read', async () => {
    for (let i = 0; i < 7; i++) await fileBomb(ctx, w.field, { title: `Bomb ${i}` });
    await project();
    const first = await inbox(w.member, '?limit=3');
    expect(first.items).toHaveLength(3);
    expect(first.unreadCount).toBe(7);
    expect(first.items[0]?.body).toContain('Bomb 6');
    const seen = [...first.items];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await inbox(w.member, `?limit=3&cursor=${cursor}`);
      seen.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(seen.map((i) => i.body)).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `Bomb ${i}`));
    expect(new Set(seen.map((i) => i.id)).size).toBe(7);

    const one = seen[0]?.id ?? '';
    const read = await ctx.app.inject({
      method: 'POST',
      url: '/api/notifications/read',
      headers: w.member.headers,
      payload: { ids: [one] },
    });
    expect(read.statusCode).toBe(204);
    const after = await inbox(w.member, '?unread=true');
    expect(after.unreadCount).toBe(6);
    expect(after.items.map((i) => i.id)).not.toContain(one);
    // Someone else's id changes nothing of theirs.
    await ctx.app.inject({
      method: 'POST',
      url: '/api/notifications/read',
      headers: w.lead.headers,
      payload: { ids: [seen[1]?.id] },
    });
    expect((await inbox(w.member)).unreadCount).toBe(6);
    await ctx.app.inject({
      method: 'POST',
      url: '/api/notifications/read',
      headers: w.member.headers,
      payload: { all: true },
    });
    expect((await inbox(w.member)).unreadCount).toBe(0);
    expect((await inbox(w.lead)).unreadCount).toBe(7);
  });

  it('bad input is a 400 naming the field', async () => {
    for (const [url, method, payload, field] of [
      ['/api/notifications?limit=0', 'GET', undefined, 'limit'],
      ['/api/notifications?cursor=%%%', 'GET', undefined, 'cursor'],
      ['/api/notifications/read', 'POST', { ids: ['abc'] }, 'ids'],
      ['/api/notifications/read', 'POST', { all: false }, ''],
    ] as const) {
      const res = await ctx.app.inject({ method, url, headers: w.member.headers, ...(payload && { payload }) });
      expect(res.statusCode, url).toBe(400);
      expect(JSON.stringify(res.json().error.fields ?? []), url).toContain(field);
    }
  });
});
