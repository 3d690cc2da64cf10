import { buildApp } from '@defuse/server/app';
import { runChange } from '@defuse/server/commands/run-change';
import { openPostgres } from '@defuse/server/db/open';
import type { Deps } from '@defuse/server/deps';
import { LocalSignal } from '@defuse/server/live/local-signal';
import { PgSignal } from '@defuse/server/live/pg-signal';
import { appendEvents, type NewEvent } from '@defuse/server/queries/events';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnPort0, openLive, testConfig } from '../helpers/app.ts';
import { manualClock } from '../helpers/clock.ts';
import { freshDatabase, usingPostgres } from '../helpers/db.ts';
import { createWorkspace, fileBomb } from '../helpers/factories.ts';

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

  interface Instance {
    app: FastifyInstance;
    deps: Deps;
    ws: string;
    close(): Promise<void>;
  }

  async function startInstance(url: string, signal: 'notify' | 'local'): Promise<Instance & { pgSignal?: PgSignal }> {
    const db = openPostgres(url, { max: 5 });
    const pg = db.pg;
    if (!pg) throw new Error('expected a PostgreSQL connection');
    const pgSignal = signal === 'notify' ? await PgSignal.start(pg) : undefined;
    const deps: Deps = { db: db.db, dbKind: db.kind, clock, signal: pgSignal ?? new LocalSignal() };
    const app = await buildApp(deps, { config: testConfig, logger: false });
    const { ws } = await listenOnPort0(app);
    return {
      app,
      deps,
      ws,
      ...(pgSignal && { pgSignal }),
      async close() {
        await app.close();
        await pgSignal?.close();
        await db.close();
      },
    };
  }

  beforeAll(async () => {
    database = await freshDatabase();
    if (!database.url) throw new Error('freshDatabase gave no url on PostgreSQL');
    a = await startInstance(database.url, 'notify');
    b = await startInstance(database.url, 'notify');
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
    const signal = a.deps.signal as PgSignal;
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
    const c = await startInstance(database.url ?? '', 'local');
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

  it('orders seqs by commit: a second writer waits for the first to commit before taking a seq', async () => {
    const live = await openLive(b.ws, { headers: w.pm.headers });
    await live.waitForLive('hello');
    const note = (): NewEvent => ({
      type: 'person.isolation_changed',
      personId: w.field.id,
      actorId: null,
      at: clock.now(),
      data: {},
    });
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
    const second = runChange(b.deps, async (tx) => {
      const events = await appendEvents(tx, [note()]);
      return { result: events[0]?.seq ?? 0, events };
    });
    // The second writer is queued on the event-order lock while the first is uncommitted.
    for (;;) {
      const rows = (await a.deps.db.execute(
        sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`,
      )) as unknown as { n: number }[];
      if ((rows[0]?.n ?? 0) >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    release();
    const secondSeq = await second;
    expect(secondSeq).toBeGreaterThan(firstSeq);
    await live.waitForLive('event', (m) => m.event.seq === secondSeq);
    expect(live.seqs()).toEqual([firstSeq, secondSeq]);
    live.close();
  });
});
