/**
 * Cost that does not grow with stored data (issue 7): the same workload against workspaces seeded
 * with 0, 100,000 and 1,000,000 bombs in the real PostgreSQL — filing (POST /api/bombs with
 * idempotency keys), claiming open bombs, and the first page of a department queue as the board
 * asks for it. Every database is seeded first; then each round measures every size back to back,
 * so load from elsewhere on the machine falls on all sizes alike. Prints the figures per size and
 * the three ratios with their goals.
 *
 *   pnpm bench:growth                          # all three sizes: about 4 minutes of seeding, then the rounds
 *   BENCH_SIZES=0,100000 pnpm bench:growth     # a quick run without the million
 *
 * Environment: BENCH_SIZES (0,100000,1000000; e.g. 0,100000 for a quick run), BENCH_SECONDS (5 per
 * run), BENCH_CONNECTIONS (10), BENCH_CLAIMS (1000 per run), BENCH_ROUNDS (3), BENCH_PER_DAY (1000
 * filings a day), BENCH_KEEP=1 (keep the databases as defuse_growth_<size> and reuse them next
 * time, migrated but not seeded again), TEST_DATABASE_URL.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { bombs, departments } from '@defuse/drizzle';
import { buildApp } from '@defuse/server/app';
import { systemClock } from '@defuse/server/clock';
import { openPostgres } from '@defuse/server/db/open';
import type { Deps } from '@defuse/server/deps';
import { LocalSignal } from '@defuse/server/live/local-signal';
import { and, asc, eq, gte, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { TEST_ORIGIN, testConfig } from '../../helpers/app.ts';
import { type LoadResult, runLoad, withPaths } from '../load/autocannon.ts';
import { signIn } from '../seed/sessions.ts';
import { firstOf, staffOf } from '../seed/workspace.ts';
import { seedGrowth } from './seed.ts';

const env = (k: string, d: number) => Number(process.env[k] ?? d);
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SIZES = (process.env.BENCH_SIZES ?? '0,100000,1000000').split(',').map(Number);
const SECONDS = env('BENCH_SECONDS', 5);
const CONNECTIONS = env('BENCH_CONNECTIONS', 10);
const CLAIMS = env('BENCH_CLAIMS', 1000);
const ROUNDS = env('BENCH_ROUNDS', 3);
const PER_DAY = env('BENCH_PER_DAY', 1000);
const KEEP = process.env.BENCH_KEEP === '1';
const PEOPLE = 5000;
const EVENTS_PER_BOMB = 6;
const WARM_CLAIMS = 200;
const log = (s: string) => process.stdout.write(`${s}\n`);
const staff = staffOf(PEOPLE);

interface Workspace {
  size: number;
  deps: Deps;
  address: string;
  filer: { id: string; headers: Record<string, string> };
  claimer: { headers: Record<string, string> };
  viewer: { headers: Record<string, string> };
  logistics: string;
  queuePath: string;
  startedAt: Date;
  results: { intake: LoadResult[]; claim: LoadResult[]; queue: LoadResult[] };
}

const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
/** Undone last first when the run ends, however it ends. */
const cleanups: (() => Promise<unknown>)[] = [];

async function prepare(size: number): Promise<Workspace> {
  const name = KEEP ? `defuse_growth_${size}` : `defuse_growth_${randomBytes(4).toString('hex')}`;
  const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
  if (!exists) await admin.unsafe(`create database ${name}`);
  if (!KEEP) cleanups.push(() => admin.unsafe(`drop database if exists ${name} with (force)`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString(), { max: 10 });
  cleanups.push(() => database.close());
  await database.migrate();
  if (exists) log(`\n[${size.toLocaleString('en')} bombs] reusing ${name}`);
  else {
    log(`\n[${size.toLocaleString('en')} bombs] seeding ${name}`);
    const t0 = performance.now();
    const bulk = postgres(url.toString(), { max: 1, onnotice: () => {} });
    await seedGrowth(bulk, { bombs: size, perDay: PER_DAY, eventsPerBomb: EVENTS_PER_BOMB }, staff, log);
    await bulk.end();
    log(`  seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const deps: Deps = { db: database.db, dbKind: 'postgres', clock: systemClock, signal: new LocalSignal() };
  const app = await buildApp(deps, { config: testConfig, logger: false });
  cleanups.push(() => app.close());
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const now = systemClock.now();
  const person = (n: number) => signIn(deps.db, `p${n}@bench.test`, TEST_ORIGIN, now);
  const department = async (slug: string) => {
    const [row] = await deps.db.select({ id: departments.id }).from(departments).where(eq(departments.slug, slug));
    if (!row) throw new Error(`no department ${slug}`);
    return row.id;
  };
  // The board's department queue (web/src/features/queue/queue-page.tsx through bombListPath).
  const params = new URLSearchParams({
    status: 'open,claimed,waiting',
    departmentId: await department('documentation'),
    sort: 'claimDue',
    limit: '200',
  });
  return {
    size,
    deps,
    address,
    filer: await person(1),
    // The logistics lead claims what the filer files (shipping routes to logistics); the
    // documentation lead's queue holds only seeded bombs, so filings during the run leave it alone.
    claimer: await person(firstOf(staff, 'lead', 1)),
    viewer: await person(firstOf(staff, 'lead', 2)),
    logistics: await department('logistics'),
    queuePath: `/api/bombs?${params}`,
    startedAt: now,
    results: { intake: [], claim: [], queue: [] },
  };
}

/** Open bombs the bench filed into logistics and nobody claimed yet, oldest first, as claim paths. */
async function claimPaths(w: Workspace, n: number): Promise<string> {
  const rows = await w.deps.db
    .select({ id: bombs.id })
    .from(bombs)
    .where(
      and(
        eq(bombs.filedById, w.filer.id),
        eq(bombs.departmentId, w.logistics),
        eq(bombs.status, 'open'),
        gte(bombs.createdAt, w.startedAt),
      ),
    )
    .orderBy(asc(bombs.number))
    .limit(n);
  if (rows.length < n) throw new Error(`only ${rows.length} open bombs to claim, ${n} needed`);
  return withPaths(rows.map((r) => `/api/bombs/${r.id}/claim`));
}

const FILING = JSON.stringify({
  title: '納期に届かない Shipment late',
  category: 'shipping',
  severity: 'normal',
  customer: 'Bench Co',
});

const intake = (w: Workspace, run: { seconds: number } | { amount: number }) =>
  runLoad({
    url: `${w.address}/api/bombs`,
    headers: { 'content-type': 'application/json', ...w.filer.headers },
    body: FILING,
    connections: CONNECTIONS,
    idempotency: true,
    ...run,
  });

const claim = async (w: Workspace, amount: number) =>
  runLoad({
    url: `${w.address}/api/bombs`,
    headers: w.claimer.headers,
    connections: CONNECTIONS,
    amount,
    pathsFile: await claimPaths(w, amount),
  });

const queue = (w: Workspace, run: { seconds: number } | { amount: number }) =>
  runLoad({
    url: `${w.address}${w.queuePath}`,
    method: 'GET',
    headers: w.viewer.headers,
    connections: CONNECTIONS,
    ...run,
  });

const MEASURES: [keyof Workspace['results'], string, (w: Workspace) => Promise<LoadResult>][] = [
  ['intake', 'POST /api/bombs', (w) => intake(w, { seconds: SECONDS })],
  ['claim', 'POST /api/bombs/:id/claim', (w) => claim(w, CLAIMS)],
  ['queue', 'GET department queue', (w) => queue(w, { seconds: SECONDS })],
];

const label = (size: number) => `${size.toLocaleString('en')} bombs`.padStart(16);
const figures = (r: LoadResult) =>
  `${r.rps.toFixed(0).padStart(6)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms` +
  (r.non2xx || r.errors ? `  non-2xx ${r.non2xx}  errors ${r.errors}` : '');
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? Number.NaN) + (s[m] ?? Number.NaN)) / 2;
};

const spaces: Workspace[] = [];
try {
  for (const size of SIZES) spaces.push(await prepare(size));
  // The seeds' writes flushed now, not by a checkpoint that lands on one size's run.
  await admin`checkpoint`;
  log(
    `\nwarming up: ${CLAIMS * ROUNDS + WARM_CLAIMS} filings per size (the bombs the claim runs take), ${WARM_CLAIMS} claims, 100 queue reads`,
  );
  for (const w of spaces) {
    await intake(w, { amount: CLAIMS * ROUNDS + WARM_CLAIMS });
    // Statistics as autovacuum keeps them: the empty database was analyzed empty, and with that
    // a claim's cancel of its escalation rows walks every pending row by the due index instead.
    await w.deps.db.execute(sql`analyze`);
    await claim(w, WARM_CLAIMS);
    await queue(w, { amount: 100 });
  }
  log(
    `measuring: ${ROUNDS} rounds; each size in turn, ${CONNECTIONS} connections; ${SECONDS} s of filing and of queue reads, ${CLAIMS} claims`,
  );
  for (let round = 1; round <= ROUNDS; round++) {
    log(`round ${round} (load average ${load()})`);
    // Each round starts with another size, so no size always runs just after another's writes.
    const order = spaces.map((_, i) => spaces[(i + round - 1) % spaces.length]).filter((w) => w !== undefined);
    for (const [metric, title, run] of MEASURES) {
      for (const w of order) {
        const r = await run(w);
        w.results[metric].push(r);
        log(`  ${label(w.size)}  ${title.padEnd(26)}${figures(r)}`);
      }
    }
  }

  const med = (w: Workspace, k: keyof Workspace['results'], f: keyof LoadResult) =>
    median(w.results[k].map((r) => r[f]));
  log(`\nmedians of ${ROUNDS} rounds (load average now ${load()})`);
  log(`${''.padStart(16)}  intake req/s   p99 ms   claim req/s   p99 ms   queue p50 ms   p99 ms`);
  for (const w of spaces) {
    log(
      `${label(w.size)}  ${med(w, 'intake', 'rps').toFixed(0).padStart(12)} ${med(w, 'intake', 'p99').toFixed(0).padStart(8)}` +
        ` ${med(w, 'claim', 'rps').toFixed(0).padStart(13)} ${med(w, 'claim', 'p99').toFixed(0).padStart(8)}` +
        ` ${med(w, 'queue', 'p50').toFixed(1).padStart(14)} ${med(w, 'queue', 'p99').toFixed(0).padStart(8)}`,
    );
  }
  const smallest = spaces[0];
  const largest = spaces.at(-1);
  const second = spaces.at(-2);
  if (smallest && largest && second && spaces.length > 1) {
    const ratio = (a: number, b: number) => (a / Math.max(b, 1e-9)).toFixed(2);
    const at = (w: Workspace) => w.size.toLocaleString('en');
    log('');
    log(
      `intake req/s at ${at(largest)} ÷ at ${at(smallest)}:        ${ratio(med(largest, 'intake', 'rps'), med(smallest, 'intake', 'rps'))}   (goal ≥ 0.9)`,
    );
    log(
      `claim p99 at ${at(largest)} ÷ at ${at(smallest)}:           ${ratio(med(largest, 'claim', 'p99'), med(smallest, 'claim', 'p99'))}   (goal ≤ 1.2)`,
    );
    log(
      `queue first page at ${at(largest)} ÷ at ${at(second)}: p50 ${ratio(med(largest, 'queue', 'p50'), med(second, 'queue', 'p50'))}, p99 ${ratio(med(largest, 'queue', 'p99'), med(second, 'queue', 'p99'))}   (goal ≤ 1.5)`,
    );
  }
} finally {
  for (const undo of cleanups.reverse()) await undo();
  await admin.end();
}
