/**
 * Isolation at size: GET /api/isolation and filing a bomb (plus the projector step that follows
 * it) over a large workspace in the real PostgreSQL, against the same over a small one.
 *
 *   server/node_modules/.bin/tsx tests/bench/isolation/run.ts [--bombs=1000000] [--events=20000000]
 *     [--people=5000] [--baseline-bombs=10000] [--requests=200] [--url=postgres://postgres@127.0.0.1:5432/test]
 *
 * Each scale gets its own database with a random name, dropped at the end (--keep keeps them).
 */
import { randomBytes } from 'node:crypto';
import { people, sessions } from '@defuse/drizzle';
import { buildApp } from '@defuse/server/app';
import { hashToken, newToken, SESSION_COOKIE } from '@defuse/server/auth/tokens';
import { systemClock } from '@defuse/server/clock';
import { drainIsolation, refreshPerson, runIsolation } from '@defuse/server/commands/refresh-isolation';
import { openPostgres } from '@defuse/server/db/open';
import type { Deps } from '@defuse/server/deps';
import { LocalSignal } from '@defuse/server/live/local-signal';
import { appendEvents, type NewEvent } from '@defuse/server/queries/events';
import { getIsolationSettings } from '@defuse/server/queries/isolation';
import { asc, eq } from 'drizzle-orm';
import postgres from 'postgres';
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
type Figures = Record<string, { p50: number; p99: number }>;

async function measure(scale: Scale, label: string): Promise<Figures> {
  const name = `defuse_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(URL_, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const target = new URL(URL_);
  target.pathname = `/${name}`;
  const database = openPostgres(target.toString());
  try {
    log(`\n[${label}] ${scale.bombs} bombs, ${scale.people} people, ${scale.events} events → ${name}`);
    await database.migrate();
    const bulk = postgres(target.toString(), { max: 1, onnotice: () => {} });
    const t0 = performance.now();
    await generate(bulk, scale, log);
    await bulk.end();
    const deps: Deps = { db: database.db, dbKind: 'postgres', clock: systemClock, signal: new LocalSignal() };

    // Every person's stored state, as the projector would have left it: the real recomputation.
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
    const refreshMs = performance.now() - t1;
    log(
      `  recompute all ${everyone.length} people: ${(refreshMs / 1000).toFixed(1)} s (${(refreshMs / everyone.length).toFixed(2)} ms each)`,
    );
    log(`  generation total: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await database.pg?.unsafe('analyze');

    const app = await buildApp(deps, {
      config: {
        publicOrigins: [ORIGIN],
        secureCookies: false,
        trustProxy: undefined,
        logLevel: args.debug ? 'error' : 'silent',
      },
    });
    await app.ready();
    const session = async (email: string) => {
      const [row] = await deps.db.select({ id: people.id }).from(people).where(eq(people.email, email));
      if (!row) throw new Error(`no ${email}`);
      const token = newToken();
      const now = systemClock.now();
      await deps.db.insert(sessions).values({
        tokenHash: hashToken(token),
        personId: row.id,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + 86_400_000),
      });
      return { cookie: `${SESSION_COOKIE}=${token}`, origin: ORIGIN };
    };
    const pm = await session(`p${scale.people - 1}@bench.test`);
    const field = await session('p1@bench.test');

    const time = async (n: number, f: (i: number) => Promise<void>) => {
      for (let i = 0; i < 10; i++) await f(-1 - i); // warm-up
      const xs: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await f(i);
        xs.push(performance.now() - t);
      }
      return { p50: pct(xs, 0.5), p99: pct(xs, 0.99) };
    };
    const figures: Figures = {};
    let listed = 0;
    figures['GET /api/isolation (default: top 200)'] = await time(REQUESTS, async () => {
      const res = await app.inject({ method: 'GET', url: '/api/isolation', headers: pm });
      if (res.statusCode !== 200) throw new Error(res.body);
      listed = (res.json() as { people: unknown[] }).people.length;
    });
    figures['GET /api/isolation?limit=5000 (everyone)'] = await time(Math.min(REQUESTS, 50), async () => {
      const res = await app.inject({ method: 'GET', url: '/api/isolation?limit=5000', headers: pm });
      if (res.statusCode !== 200) throw new Error(res.body);
    });
    figures['GET /api/isolation/:personId'] = await time(REQUESTS, async () => {
      const res = await app.inject({ method: 'GET', url: `/api/isolation/${everyone[1]?.id}`, headers: pm });
      if (res.statusCode !== 200) throw new Error(res.body);
    });
    const file = async (title: string) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/bombs',
        headers: field,
        payload: { title, category: 'shipping', severity: 'normal' },
      });
      if (res.statusCode !== 201) throw new Error(res.body);
    };
    figures['POST /api/bombs'] = await time(REQUESTS, (i) => file(`Bench filing ${i}`));
    // The projector's share of one filing: due work is drained first, so the step is the filing's.
    const steps: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      await drainIsolation(deps);
      await file(`Bench projected ${i}`);
      const t = performance.now();
      await runIsolation(deps);
      steps.push(performance.now() - t);
    }
    figures['projector step after one filing'] = { p50: pct(steps, 0.5), p99: pct(steps, 0.99) };
    log(`  people listed by default: ${listed}`);
    for (const [k, v] of Object.entries(figures))
      log(`  ${k.padEnd(42)} p50 ${v.p50.toFixed(1)} ms  p99 ${v.p99.toFixed(1)} ms`);
    await app.close();
    return figures;
  } finally {
    await database.close();
    if (!args.keep) await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

const small = await measure(baseline, 'baseline');
const big = await measure(large, 'large');
log(`\nratio large / baseline (goal < 2):`);
for (const k of Object.keys(big)) {
  const b = big[k];
  const s = small[k];
  if (!b || !s) continue;
  log(`  ${k.padEnd(42)} p50 ×${(b.p50 / s.p50).toFixed(2)}  p99 ×${(b.p99 / s.p99).toFixed(2)}`);
}
