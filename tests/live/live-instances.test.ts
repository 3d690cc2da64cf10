import { runChange } from '@defuse/server/commands/run-change';
import { appendEvents } from '@defuse/server/queries/events';
import { TokenCreatedSchema } from '@defuse/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveSocket, openLive, until } from '../helpers/app.ts';
import { manualClock } from '../helpers/clock.ts';
import { freshDatabase, usingPostgres } from '../helpers/db.ts';
import { createActor, createWorkspace, fileBomb, isolationChanged } from '../helpers/factories.ts';
import { bodyOf } from '../helpers/inject.ts';
import { type Instance, startInstance } from '../helpers/instances.ts';

/**
 * Several server instances sharing one PostgreSQL, signalling through LISTEN/NOTIFY. This needs
 * separate connections to a real PostgreSQL server, so it runs in the PostgreSQL pass only
 * (TEST_DATABASE_URL set; the pass fails if that server cannot be reached). PGlite is a single
 * in-process connection: its in-process signal is covered by the other live tests.
 */
describe.runIf(usingPostgres())('two instances on one PostgreSQL', () => {
  const clock = manualClock();
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let a: Instance;
  let b: Instance;
  let w: Awaited<ReturnType<typeof createWorkspace>>;

  beforeAll(async () => {
    database = await freshDatabase();
    if (!database.url) throw new Error('freshDatabase gave no url on PostgreSQL');
    a = await startInstance(database.url, clock);
    b = await startInstance(database.url, clock);
    w = await createWorkspace(a);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  it('delivers an event filed through A to a client on B, in order, once', async () => {
    const onB = await openLive(b.ws, { headers: w.pm.headers });
    const onA = await openLive(a.ws, { headers: w.pm.headers });
    const hello = await onB.waitForLive('hello');
    await onA.waitForLive('hello');
    const bombs = await Promise.all(Array.from({ length: 20 }, () => fileBomb(a, w.field)));
    const last = Math.max(...onA.seqs(), 0);
    for (const bomb of bombs) {
      await onB.waitForLive('event', (m) => m.event.bombId === bomb.id && m.event.type === 'bomb.routed');
    }
    await onA.waitForLive('event', (m) => m.event.seq >= hello.lastSeq + 40 && m.event.seq >= last);
    const expected = Array.from({ length: 40 }, (_, i) => hello.lastSeq + 1 + i);
    expect(onB.seqs()).toEqual(expected);
    expect(onA.seqs()).toEqual(expected);
    onA.close();
    onB.close();
  });

  it('coalesces a burst of commits into one NOTIFY', async () => {
    const signal = a.pgSignal;
    if (!signal) throw new Error('instance A signals through PostgreSQL');
    await signal.settled();
    const before = signal.notifications;
    // Seqs above any real one, so that this burst is the only thing left to notify.
    const base = 1_000_000_000;
    for (let seq = base + 1; seq <= base + 100; seq++) signal.committed(seq);
    await signal.settled();
    expect(signal.notifications - before).toBe(1);
  });

  it('catches up after a lost notification once its listener reconnects', async () => {
    // C writes without notifying anyone, as if its NOTIFY had been lost.
    const c = await startInstance(database.url ?? '', clock, 'local');
    try {
      const onB = await openLive(b.ws, { headers: w.pm.headers });
      await onB.waitForLive('hello');
      const bomb = await fileBomb(c, w.field);
      // Cut every LISTEN connection: postgres.js reconnects, and B re-reads the table on relisten.
      await a.deps.db.execute(
        sql`select pg_terminate_backend(pid) from pg_stat_activity
            where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()`,
      );
      const got = await onB.waitForLive('event', (m) => m.event.bombId === bomb.id && m.event.type === 'bomb.routed');
      expect(got.event.bombId).toBe(bomb.id);
      onB.close();
    } finally {
      await c.close();
    }
  });

  it('holds back a later seq while an earlier one is uncommitted, then delivers both in order', async () => {
    const live = await openLive(b.ws, { headers: w.pm.headers });
    await live.waitForLive('hello');
    const note = () => isolationChanged(clock.now(), w.field.id);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let firstSeq = 0;
    const appended = new Promise<void>((resolve) => {
      void runChange(a.deps, async (tx) => {
        const events = await appendEvents(tx, [note()]);
        firstSeq = events[0]?.seq ?? 0;
        resolve();
        await held;
        return { result: null, events };
      });
    });
    await appended;
    // Writers do not wait on each other: the second commits while the first is still open.
    const secondSeq = await runChange(b.deps, async (tx) => {
      const events = await appendEvents(tx, [note()]);
      return { result: events[0]?.seq ?? 0, events };
    });
    expect(secondSeq).toBeGreaterThan(firstSeq);
    // Committed, signalled, and yet not delivered: the lower seq could still commit.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(live.seqs()).toEqual([]);
    release();
    await live.waitForLive('event', (m) => m.event.seq === secondSeq);
    expect(live.seqs()).toEqual([firstSeq, secondSeq]);
    live.close();
  });

  /** The close code, or 'open' if the socket is still open after `ms` (the periodic re-check is 60 s). */
  const closedWithin = (live: LiveSocket, ms: number) =>
    Promise.race([live.closed, new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), ms))]);

  it('closes a socket on B at once when its session signs out through A', async () => {
    const actor = await createActor(a, 'field');
    const onB = await openLive(b.ws, { headers: actor.headers });
    await onB.waitForLive('hello');
    const other = await openLive(b.ws, { headers: w.field.headers });
    await other.waitForLive('hello');
    const out = await a.app.inject({ method: 'DELETE', url: '/api/session', headers: actor.headers });
    expect(out.statusCode).toBe(204);
    expect(await closedWithin(onB, 3000)).toBe(4401);
    // Another person's socket on B is left alone.
    const bomb = await fileBomb(a, w.field);
    await other.waitForLive('event', (m) => m.event.bombId === bomb.id);
    other.close();
  });

  it("closes a token's socket on B at once when the token is revoked through A (docs/security.md check 21)", async () => {
    const actor = await createActor(a, 'field');
    const created = await a.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: actor.headers,
      payload: { name: 'script' },
    });
    const { id, token } = bodyOf(created, TokenCreatedSchema);
    const onB = await openLive(b.ws, { headers: { authorization: `Bearer ${token}` } });
    await onB.waitForLive('hello');
    const res = await a.app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: w.admin.headers });
    expect(res.statusCode).toBe(204);
    expect(await closedWithin(onB, 3000)).toBe(4401);
    const again = await b.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
    expect(again.statusCode).toBe(401);
  });

  it("ends on B at once, despite B's session cache, every session and token of a person whose password changes through A", async () => {
    const actor = await createActor(a, 'member');
    const created = await a.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: actor.headers,
      payload: { name: 'script' },
    });
    const { token } = bodyOf(created, TokenCreatedSchema);
    const me = (headers: Record<string, string>) => b.app.inject({ method: 'GET', url: '/api/me', headers });
    // B has resolved (and cached) the session before the change.
    expect((await me(actor.headers)).statusCode).toBe(200);
    const sockets = [
      await openLive(b.ws, { headers: actor.headers }),
      await openLive(b.ws, { headers: { authorization: `Bearer ${token}` } }),
    ];
    for (const s of sockets) await s.waitForLive('hello');
    const res = await a.app.inject({
      method: 'PATCH',
      url: `/api/people/${actor.id}`,
      headers: w.admin.headers,
      payload: { password: 'a new passphrase here' },
    });
    expect(res.statusCode).toBe(200);
    expect(await Promise.all(sockets.map((s) => closedWithin(s, 3000)))).toEqual([4401, 4401]);
    expect((await me(actor.headers)).statusCode).toBe(401);
    expect((await me({ authorization: `Bearer ${token}` })).statusCode).toBe(401);
  });

  it('closes every socket on B of a person an admin disables through A', async () => {
    const actor = await createActor(a, 'member', { departmentIds: [w.departments.logistics] });
    const sockets = await Promise.all([
      openLive(b.ws, { headers: actor.headers }),
      openLive(b.ws, { headers: actor.headers }),
    ]);
    for (const s of sockets) await s.waitForLive('hello');
    const res = await a.app.inject({
      method: 'PATCH',
      url: `/api/people/${actor.id}`,
      headers: w.admin.headers,
      payload: { disabled: true },
    });
    expect(res.statusCode).toBe(200);
    expect(await Promise.all(sockets.map((s) => closedWithin(s, 3000)))).toEqual([4401, 4401]);
  });

  it('re-reads on B at once what a person may see when A changes their departments', async () => {
    const actor = await createActor(a, 'member', { departmentIds: [w.departments.logistics] });
    const onB = await openLive(b.ws, { headers: actor.headers });
    await onB.waitForLive('hello');
    const departmentsOnB = () => b.app.liveHub.connectionsOf(actor.id).map((c) => c.viewer.departmentIds);
    expect(departmentsOnB()).toEqual([[w.departments.logistics]]);
    const res = await a.app.inject({
      method: 'PATCH',
      url: `/api/departments/${w.departments.documentation}`,
      headers: w.admin.headers,
      payload: { memberIds: [actor.id] },
    });
    expect(res.statusCode).toBe(200);
    await until(() => departmentsOnB()[0]?.includes(w.departments.documentation) === true, 3000);
    expect(onB.ws.readyState).toBe(onB.ws.OPEN);
    onB.close();
  });

  // B keeps resolved sessions for a moment (SessionCache); the clock here never moves, so only the
  // signal from A can make B let go of one.
  const meOnB = async (headers: Record<string, string>) =>
    (await b.app.inject({ method: 'GET', url: '/api/me', headers })).statusCode;
  const untilAsync = async (check: () => Promise<boolean>, timeoutMs: number) => {
    const end = performance.now() + timeoutMs;
    while (!(await check())) {
      if (performance.now() > end) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('refuses through B a session signed out through A, though B had just resolved it', async () => {
    const actor = await createActor(a, 'field');
    expect(await meOnB(actor.headers)).toBe(200);
    const out = await a.app.inject({ method: 'DELETE', url: '/api/session', headers: actor.headers });
    expect(out.statusCode).toBe(204);
    await untilAsync(async () => (await meOnB(actor.headers)) === 401, 3000);
  });

  it('lets B apply at once the role A just gave', async () => {
    const actor = await createActor(a, 'member', { departmentIds: [w.departments.logistics] });
    const dashboardOnB = async () =>
      (await b.app.inject({ method: 'GET', url: '/api/isolation', headers: actor.headers })).statusCode;
    expect(await dashboardOnB()).toBe(403);
    const res = await a.app.inject({
      method: 'PATCH',
      url: `/api/people/${actor.id}`,
      headers: w.admin.headers,
      payload: { role: 'pm' },
    });
    expect(res.statusCode).toBe(200);
    await untilAsync(async () => (await dashboardOnB()) === 200, 3000);
  });
});
