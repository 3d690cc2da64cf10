/**
 * Isolation at size: GET /api/isolation, a person's page, filing a bomb and the projector step
 * that follows a filing, over a large workspace in the real PostgreSQL against a small one.
 * Both workspaces are built first, then every figure alternates requests between them, so the
 * load of a shared machine falls on both sides of each ratio alike.
 *
 *   server/node_modules/.bin/tsx tests/bench/isolation/run.ts [--bombs=1000000] [--events=20000000]
 *     [--people=5000] [--baseline-bombs=10000] [--requests=200] [--url=postgres://postgres@127.0.0.1:5432/test]
 *
 * Each workspace gets its own database with a random name, dropped at the end (--keep keeps them).
 */
import { randomBytes } from 'node:crypto';
import { people } from '@defuse/drizzle';
import { buildApp } from '@defuse/server/app';
import { systemClock } from '@defuse/server/clock';
import { drainIsolation, refreshPerson, runIsolation } from '@defuse/server/commands/refresh-isolation';
import { type Database, openPostgres } from '@defuse/server/db/open';
import type { Deps } from '@defuse/server/deps';
import { LocalSignal } from '@defuse/server/live/local-signal';
import { appendEvents, type NewEvent } from '@defuse/server/queries/events';
import { getIsolationSettings } from '@defuse/server/queries/isolation';
import { asc } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import postgres from 'postgres';
import { signIn } from '../seed/sessions.ts';
import { generate, type Scale } from './generate.ts';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const num = (k: string, d: number) => (args[k] ? Number(args[k]) : d);
const URL_ = args.url ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const large: Scale = { bombs: num('bombs', 1_000_000), people: num('people', 5000), events: num('events', 20_000_000) };
const baseline: Scale = {
  bombs: num('baseline-bombs', 10_000),
  people: large.people,
  events: Math.round((large.events / large.bombs) * num('baseline-bombs', 10_000)),
};
const REQUESTS = num('requests', 200);
const ORIGIN = 'http://127.0.0.1:3000';
const log = (s: string) => process.stdout.write(`${s}\n`);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
};

interface Workspace {
  label: string;
  deps: Deps;
  app: FastifyInstance;
  pm: Record<string, string>;
  field: Record<string, string>;
  someone: string;
  /** Where the middle page of the list starts (page 13 of 25 with 5,000 people). */
  midCursor: string;
  filed: number;
  close(): Promise<void>;
}

async function prepare(scale: Scale, label: string): Promise<Workspace> {
  const name = `defuse_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(URL_, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const target = new URL(URL_);
  target.pathname = `/${name}`;
  const database: Database = openPostgres(target.toString());
  const close = async () => {
    await database.close();
    if (!args.keep) await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
  try {
    log(`\n[${label}] ${scale.bombs} bombs, ${scale.people} people, ${scale.events} events → ${name}`);
    await database.migrate();
    const bulk = postgres(target.toString(), { max: 1, onnotice: () => {} });
    const t0 = performance.now();
    await generate(bulk, scale, log);
    await bulk.end();
    const deps: Deps = { db: database.db, dbKind: 'postgres', clock: systemClock, signal: new LocalSignal() };

    // Every person's stored state as the projector leaves it, by the real recomputation.
    const t1 = performance.now();
    const settings = await getIsolationSettings(deps.db);
    const everyone = await deps.db.select({ id: people.id }).from(people).orderBy(asc(people.id));
    for (let i = 0; i < everyone.length; i += 100) {
      await deps.db.transaction(async (tx) => {
        const pending: NewEvent[] = [];
        for (const p of everyone.slice(i, i + 100)) {
          const e = await refreshPerson(tx, p.id, settings, systemClock.now());
          if (e) pending.push(e);
        }
        await appendEvents(tx, pending);
      });
    }
    const ms = performance.now() - t1;
    log(
      `  recompute all ${everyone.length} people: ${(ms / 1000).toFixed(1)} s (${(ms / everyone.length).toFixed(1)} ms each)`,
    );
    await database.pg?.unsafe('analyze');
    log(`  workspace ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const app = await buildApp(deps, {
      config: { publicOrigins: [ORIGIN], secureCookies: false, trustProxy: undefined, logLevel: 'silent' },
      logger: false,
    });
    await app.ready();
    const session = async (email: string) => (await signIn(deps.db, email, ORIGIN, systemClock.now())).headers;
    const pm = await session(`p${scale.people - 1}@bench.test`);
    let midCursor = '';
    for (let page = 0, url = '/api/isolation'; page < Math.floor(scale.people / 200 / 2); page++) {
      const res = await app.inject({ method: 'GET', url, headers: pm });
      midCursor = (res.json() as { nextCursor: string | null }).nextCursor ?? midCursor;
      url = `/api/isolation?cursor=${midCursor}`;
    }
    return {
      label,
      deps,
      app,
      midCursor,
      pm,
      field: await session('p1@bench.test'),
      someone: everyone[1]?.id ?? '',
      filed: 0,
      async close() {
        await app.close();
        await close();
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}

async function call(
  w: Workspace,
  method: 'GET' | 'POST',
  url: string,
  headers: Record<string, string>,
  payload?: object,
) {
  const res = await w.app.inject({ method, url, headers, ...(payload && { payload }) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  return res;
}
const file = (w: Workspace) =>
  call(w, 'POST', '/api/bombs', w.field, {
    title: `Bench filing ${w.filed++}`,
    category: 'shipping',
    severity: 'normal',
  });

/** Every entry, following nextCursor to the end (5,000 people: 25 pages). */
async function everyone(w: Workspace): Promise<number> {
  let url = '/api/isolation';
  let count = 0;
  for (;;) {
    const page = (await call(w, 'GET', url, w.pm)).json() as { people: unknown[]; nextCursor: string | null };
    count += page.people.length;
    if (!page.nextCursor) return count;
    url = `/api/isolation?cursor=${page.nextCursor}`;
  }
}

type Op = (w: Workspace) => Promise<number>;
const timed =
  (f: (w: Workspace) => Promise<unknown>): Op =>
  async (w) => {
    const t = performance.now();
    await f(w);
    return performance.now() - t;
  };

const OPS: [string, Op, number][] = [
  ['GET /api/isolation (default: top 200)', timed((w) => call(w, 'GET', '/api/isolation', w.pm)), REQUESTS],
  [
    'GET /api/isolation, a later page',
    timed((w) => call(w, 'GET', `/api/isolation?cursor=${w.midCursor}`, w.pm)),
    REQUESTS,
  ],
  ['GET /api/isolation, everyone page by page', timed(everyone), Math.min(REQUESTS, 50)],
  ['GET /api/isolation/:personId', timed((w) => call(w, 'GET', `/api/isolation/${w.someone}`, w.pm)), REQUESTS],
  ['POST /api/bombs', timed(file), REQUESTS],
  [
    // The projector's share of one filing: due work is drained first, so the step is the filing's.
    'projector step after one filing',
    async (w) => {
      await drainIsolation(w.deps);
      await file(w);
      const t = performance.now();
      await runIsolation(w.deps);
      return performance.now() - t;
    },
    REQUESTS,
  ],
];

const small = await prepare(baseline, 'baseline');
const big = await prepare(large, 'large');
try {
  log(
    `\n${'figure'.padEnd(42)} ${'baseline p50/p99 ms'.padEnd(22)} ${'large p50/p99 ms'.padEnd(22)} ratio p50 / p99 (goal < 2)`,
  );
  for (const [label, op, n] of OPS) {
    for (let i = 0; i < 5; i++) {
      await op(small);
      await op(big);
    }
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < n; i++) {
      xs.push(await op(small));
      ys.push(await op(big));
    }
    const [s50, s99, b50, b99] = [pct(xs, 0.5), pct(xs, 0.99), pct(ys, 0.5), pct(ys, 0.99)];
    log(
      `${label.padEnd(42)} ${`${s50.toFixed(1)} / ${s99.toFixed(1)}`.padEnd(22)} ${`${b50.toFixed(1)} / ${b99.toFixed(1)}`.padEnd(22)} ×${(b50 / s50).toFixed(2)} / ×${(b99 / s99).toFixed(2)}`,
    );
  }
} finally {
  await small.close();
  await big.close();
}
