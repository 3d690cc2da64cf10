import { runChange } from '@defuse/server/commands/run-change';
import { appendEvents } from '@defuse/server/queries/events';
import { EventsResponseSchema, TokenCreatedSchema } from '@defuse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type LiveSocket, listenOnPort0, openLive, type TestContext } from '../helpers/app.ts';
import { hours } from '../helpers/clock.ts';
import { createActor, createWorkspace, fileBomb, isolationChanged } from '../helpers/factories.ts';
import { bodyOf } from '../helpers/inject.ts';

let ctx: TestContext;
let ws: string;
let w: Awaited<ReturnType<typeof createWorkspace>>;

beforeAll(async () => {
  ctx = await createTestContext();
  ({ ws } = await listenOnPort0(ctx.app));
  w = await createWorkspace(ctx);
});
afterAll(() => ctx.close());

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'upgraded',
    (err: unknown) => (err instanceof Error ? err.message : String(err)),
  );

/** Waits until every socket has the marker bomb's last event: whatever came before it has arrived. */
async function fileMarker(sockets: LiveSocket[]) {
  const marker = await fileBomb(ctx, w.field, { title: 'marker' });
  await Promise.all(
    sockets.map((s) => s.waitForLive('event', (m) => m.event.bombId === marker.id && m.event.type === 'bomb.routed')),
  );
}

const bombIdsOf = (s: LiveSocket) => new Set(s.messages.flatMap((m) => (m.type === 'event' ? [m.event.bombId] : [])));

describe('upgrade checks', () => {
  it('accepts a signed-in browser from an allowed origin and a bearer token without one', async () => {
    const browser = await openLive(ws, { headers: w.field.headers });
    await browser.waitForLive('hello');
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: w.member.headers,
      payload: { name: 'crm' },
    });
    expect(res.statusCode).toBe(201);
    const { token } = bodyOf(res, TokenCreatedSchema);
    const script = await openLive(ws, { headers: { authorization: `Bearer ${token}` } });
    await script.waitForLive('hello');
    browser.close();
    script.close();
  });

  it('refuses a page from a foreign origin before the upgrade, even with a valid cookie', async () => {
    const message = await refusal(
      openLive(ws, { headers: { cookie: w.field.headers.cookie, origin: 'https://evil.example' } }),
    );
    expect(message).toBe('Unexpected server response: 403');
  });

  it('refuses an unauthenticated upgrade and an unknown token', async () => {
    expect(await refusal(openLive(ws, { headers: { origin: w.field.headers.origin } }))).toBe(
      'Unexpected server response: 401',
    );
    expect(await refusal(openLive(ws, { headers: { authorization: 'Bearer dfs_nope' } }))).toBe(
      'Unexpected server response: 401',
    );
  });

  it('refuses a malformed resume point with 400', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/live?after=abc', headers: w.field.headers });
    expect(res.statusCode).toBe(400);
    expect(await refusal(openLive(`${ws}`, { headers: w.field.headers, after: -1 }))).toBe(
      'Unexpected server response: 400',
    );
  });
});

describe('visibility', () => {
  it('never sends a restricted bomb’s events to people who may not read it', async () => {
    const names = ['field', 'member', 'pm', 'otherField', 'docsMember', 'lead'] as const;
    const sockets = await Promise.all(names.map((n) => openLive(ws, { headers: w[n].headers })));
    const restricted = await fileBomb(ctx, w.field, { restricted: true, title: 'Secret customer' });
    await fileMarker(sockets);
    const [field, member, pm, otherField, docsMember, lead] = sockets.map(bombIdsOf);
    for (const seen of [field, member, pm, lead]) expect(seen?.has(restricted.id)).toBe(true);
    for (const seen of [otherField, docsMember]) expect(seen?.has(restricted.id)).toBe(false);
    // Resuming from before it does not leak it either.
    const hello = sockets[3]?.messages[0];
    const resumed = await openLive(ws, {
      headers: w.otherField.headers,
      after: hello?.type === 'hello' ? hello.lastSeq : 0,
    });
    await fileMarker([resumed]);
    expect(bombIdsOf(resumed).has(restricted.id)).toBe(false);
    for (const s of [...sockets, resumed]) s.close();
  });

  it('sends person events to the person, pms, admins and leads of the person’s departments only', async () => {
    const names = ['member', 'lead', 'pm', 'admin', 'otherField', 'docsMember'] as const;
    const sockets = await Promise.all(names.map((n) => openLive(ws, { headers: w[n].headers })));
    await Promise.all(sockets.map((s) => s.waitForLive('hello')));
    const [event] = await runChange(ctx.deps, async (tx) => {
      const written = await appendEvents(tx, [isolationChanged(ctx.clock.now(), w.member.id)]);
      return { result: written, events: written };
    });
    if (!event) throw new Error('no event written');
    await fileMarker(sockets);
    const got = sockets.map((s) => s.messages.some((m) => m.type === 'event' && m.event.seq === event.seq));
    expect(Object.fromEntries(names.map((n, i) => [n, got[i]]))).toEqual({
      member: true,
      lead: true,
      pm: true,
      admin: true,
      otherField: false,
      docsMember: false,
    });
    // GET /api/events applies the same rule.
    const seen = async (headers: Record<string, string>) => {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/events?after=${event.seq - 1}&limit=1`, headers });
      const body = bodyOf(res, EventsResponseSchema);
      expect(body.lastSeq).toBe(event.seq);
      return body.events.length;
    };
    expect(await seen(w.lead.headers)).toBe(1);
    expect(await seen(w.docsMember.headers)).toBe(0);
    for (const s of sockets) s.close();
  });
});

describe('admin events', () => {
  it('reach admins only: not pms, leads or members', async () => {
    const names = ['member', 'lead', 'pm', 'admin'] as const;
    const sockets = await Promise.all(names.map((n) => openLive(ws, { headers: w[n].headers })));
    await Promise.all(sockets.map((s) => s.waitForLive('hello')));
    const res = await ctx.app.inject({
      method: 'PUT',
      url: '/api/settings/escalation',
      headers: w.admin.headers,
      payload: { bounceLimit: 4 },
    });
    expect(res.statusCode).toBe(200);
    await fileMarker(sockets);
    const got = sockets.map((s) =>
      s.messages.some((m) => m.type === 'event' && m.event.type === 'admin.escalation_settings_updated'),
    );
    expect(Object.fromEntries(names.map((n, i) => [n, got[i]]))).toEqual({
      member: false,
      lead: false,
      pm: false,
      admin: true,
    });
    for (const s of sockets) s.close();
  });
});

describe('while connected', () => {
  it('closes the socket when its session signs out', async () => {
    const actor = await createActor(ctx, 'member', { departmentIds: [w.departments.logistics] });
    const live = await openLive(ws, { headers: actor.headers });
    await live.waitForLive('hello');
    const res = await ctx.app.inject({ method: 'DELETE', url: '/api/session', headers: actor.headers });
    expect(res.statusCode).toBe(204);
    expect(await live.closed).toBe(4401);
  });

  it("closes a revoked token's socket at once, and leaves the owner's other token's socket open (docs/security.md check 21)", async () => {
    const actor = await createActor(ctx, 'field');
    const token = async (name: string) => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: actor.headers,
        payload: { name },
      });
      return bodyOf(res, TokenCreatedSchema);
    };
    const [revoked, kept] = [await token('revoked'), await token('kept')];
    const dying = await openLive(ws, { headers: { authorization: `Bearer ${revoked.token}` } });
    const staying = await openLive(ws, { headers: { authorization: `Bearer ${kept.token}` } });
    const browser = await openLive(ws, { headers: actor.headers });
    for (const s of [dying, staying, browser]) await s.waitForLive('hello');
    const res = await ctx.app.inject({ method: 'DELETE', url: `/api/tokens/${revoked.id}`, headers: actor.headers });
    expect(res.statusCode).toBe(204);
    // At once: the periodic re-check (60 s) is far beyond this wait.
    expect(await Promise.race([dying.closed, new Promise((r) => setTimeout(() => r('open'), 3000))])).toBe(4401);
    await fileMarker([staying, browser]);
    // A new password ends the rest: every token and session of the person, and their sockets.
    const changed = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/people/${actor.id}`,
      headers: w.admin.headers,
      payload: { password: 'a new passphrase here' },
    });
    expect(changed.statusCode).toBe(200);
    expect(await Promise.all([staying.closed, browser.closed])).toEqual([4401, 4401]);
  });

  it('closes the sockets of a person an admin disables', async () => {
    const actor = await createActor(ctx, 'field');
    const other = await openLive(ws, { headers: w.field.headers });
    const live = await openLive(ws, { headers: actor.headers });
    await live.waitForLive('hello');
    const res = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/people/${actor.id}`,
      headers: w.admin.headers,
      payload: { disabled: true },
    });
    expect(res.statusCode).toBe(200);
    expect(await live.closed).toBe(4401);
    await fileMarker([other]);
    other.close();
  });

  it('closes a socket that floods messages and leaves the others alone', async () => {
    const flooder = await openLive(ws, { headers: w.member.headers });
    const calm = await openLive(ws, { headers: w.lead.headers });
    await flooder.waitForLive('hello');
    for (let i = 0; i < 100; i++) flooder.ws.send(JSON.stringify({ type: 'ping' }));
    expect(await flooder.closed).toBe(1008);
    calm.ws.send(JSON.stringify({ type: 'ping' }));
    await calm.waitForLive('pong');
    calm.close();
  });

  it('closes a socket that sends a frame over 64 KiB', async () => {
    const live = await openLive(ws, { headers: w.member.headers });
    await live.waitForLive('hello');
    live.ws.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(65 * 1024) }));
    expect(await live.closed).toBe(1009);
  });

  it('closes a socket whose session expired at the next re-check, and refuses it at the upgrade', async () => {
    const actor = await createActor(ctx, 'field');
    const live = await openLive(ws, { headers: actor.headers });
    await live.waitForLive('hello');
    // Past the idle lifetime of every session in this file (the last test here: it moves the clock).
    ctx.clock.advance(hours(13));
    await ctx.hub.revalidate(() => true);
    expect(await live.closed).toBe(4401);
    expect(await refusal(openLive(ws, { headers: actor.headers }))).toBe('Unexpected server response: 401');
  });
});
