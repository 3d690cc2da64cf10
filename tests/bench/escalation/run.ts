/**
 * One scheduler tick with 1,000 due bombs among 10,000 stored, against the same tick among
 * 1,000,000 stored. The tick's cost should follow the due rows (goal: ratio below 1.5).
 * The two databases are ticked in alternation so that load from elsewhere on the machine
 * falls on both alike.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
 *     sh -c 'cd tests && ../server/node_modules/.bin/tsx bench/escalation/run.ts'
 */
import { randomBytes } from 'node:crypto';
import { escalateDue } from '@defuse/server/commands/escalate-due';
import { type Database, openPostgres } from '@defuse/server/db/open';
import type { Deps } from '@defuse/server/deps';
import postgres from 'postgres';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DUE = 1000;
const SMALL = 10_000;
const LARGE = Number(process.env.BENCH_LARGE ?? 1_000_000);
const RUNS = 9;
const NOW = new Date('2026-03-02T09:00:00.000Z');

const admin = postgres(url, { max: 1, onnotice: () => {} });

interface Store {
  label: string;
  name: string;
  database: Database;
  sql: postgres.Sql;
  deps: Deps;
}

async function createStore(stored: number): Promise<Store> {
  const name = `defuse_bench_${randomBytes(5).toString('hex')}`;
  await admin.unsafe(`create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = openPostgres(target.toString(), { max: 4 });
  const sql = postgres(target.toString(), { max: 1, onnotice: () => {} });
  await database.migrate();
  const [dept] =
    await sql`insert into departments (name, slug, created_at) values ('Logistics', 'logistics', ${NOW}) returning id`;
  const [filer] = await sql`insert into people (name, email, role, created_at)
    values ('Field', 'field@bench.test', 'field', ${NOW}) returning id`;
  if (!dept || !filer) throw new Error('setup failed');
  const t0 = performance.now();
  // Bombs 1..DUE are overdue; the rest are due tomorrow. Each has its pending escalation row.
  for (let from = 1; from <= stored; from += 250_000) {
    const to = Math.min(stored + 1, from + 250_000);
    await sql`
      insert into bombs (number, key, title, category, severity, status, filed_by_id, department_id,
                         claim_due_at, created_at, updated_at)
      select n, 'SHIP-' || n, 'bench bomb ' || n, 'shipping', 'normal', 'open', ${filer.id}, ${dept.id},
             case when n <= ${DUE} then ${NOW}::timestamptz - interval '1 minute'
                  else ${NOW}::timestamptz + interval '1 day' end,
             ${NOW}, ${NOW}
      from generate_series(${from}::int, ${to - 1}::int) as n`;
    await sql`
      insert into escalation_jobs (bomb_id, reason, deadline_at, tier, target, due_at)
      select id, 'claim_overdue', claim_due_at, 1, 'lead', claim_due_at
      from bombs where number >= ${from} and number < ${to}`;
  }
  await sql`vacuum analyze bombs`;
  await sql`vacuum analyze escalation_jobs`;
  const label = `${stored.toLocaleString('en')} stored, ${DUE} due`;
  console.log(`${label}: created in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const deps: Deps = {
    db: database.db,
    dbKind: 'postgres',
    clock: { now: () => NOW },
    signal: { committed: () => {}, subscribe: () => () => {} },
  };
  return { label, name, database, sql, deps };
}

async function tick(store: Store): Promise<number> {
  await store.sql`update escalation_jobs set fired_at = null where due_at <= ${NOW}`;
  // The event log is append-only (a trigger); a superuser resetting a bench may bypass it.
  await store.sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`delete from events`;
  });
  const t0 = performance.now();
  const taken = await escalateDue(store.deps);
  const ms = performance.now() - t0;
  if (taken !== DUE) throw new Error(`${store.label}: tick took ${taken} rows, expected ${DUE}`);
  return ms;
}

const stores: Store[] = [];
try {
  const small = await createStore(SMALL);
  stores.push(small);
  const large = await createStore(LARGE);
  stores.push(large);
  // One unmeasured tick each warms caches and the driver.
  await tick(small);
  await tick(large);
  const times = { small: [] as number[], large: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    times.small.push(await tick(small));
    times.large.push(await tick(large));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  for (const [store, xs] of [
    [small, times.small],
    [large, times.large],
  ] as const) {
    console.log(
      `${store.label}: median tick ${median(xs).toFixed(1)} ms (runs: ${xs.map((t) => t.toFixed(0)).join(', ')})`,
    );
  }
  console.log(`ratio (large / small): ${(median(times.large) / median(times.small)).toFixed(2)} (goal < 1.5)`);
} finally {
  for (const s of stores) {
    await s.sql.end();
    await s.database.close();
    await admin.unsafe(`drop database if exists ${s.name} with (force)`);
  }
  await admin.end();
}
