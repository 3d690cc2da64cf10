/**
 * One scheduler tick with 1,000 due bombs among 10,000 stored, against the same tick among
 * 1,000,000 stored. The tick's cost should follow the due rows (goal: ratio below 1.5).
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (cd tests && ../server/node_modules/.bin/tsx bench/escalation/run.ts)
 */
import { randomBytes } from 'node:crypto';
import { escalateDue } from '@defuse/server/commands/escalate-due';
import { openPostgres } from '@defuse/server/db/open';
import type { Deps } from '@defuse/server/deps';
import postgres from 'postgres';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DUE = 1000;
const SMALL = 10_000;
const LARGE = Number(process.env.BENCH_LARGE ?? 1_000_000);
const RUNS = 7;
const NOW = new Date('2026-03-02T09:00:00.000Z');

const name = `defuse_bench_${randomBytes(5).toString('hex')}`;
const admin = postgres(url, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const target = new URL(url);
target.pathname = `/${name}`;
const database = openPostgres(target.toString(), { max: 4 });
const sql = postgres(target.toString(), { max: 1, onnotice: () => {} });

try {
  await database.migrate();
  const [dept] =
    await sql`insert into departments (name, slug, created_at) values ('Logistics', 'logistics', ${NOW}) returning id`;
  const [filer] = await sql`insert into people (name, email, role, created_at)
    values ('Field', 'field@bench.test', 'field', ${NOW}) returning id`;
  if (!dept || !filer) throw new Error('setup failed');

  /** Bombs numbered [from, to): the first DUE of the whole set are overdue, the rest due tomorrow. */
  const addBombs = async (from: number, to: number) => {
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
    await sql`analyze bombs`;
    await sql`analyze escalation_jobs`;
  };

  const deps: Deps = {
    db: database.db,
    dbKind: 'postgres',
    clock: { now: () => NOW },
    signal: { committed: () => {}, subscribe: () => () => {} },
  };

  /** Median of RUNS ticks; the due rows are made due again between runs. */
  const measure = async (label: string) => {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await sql`update escalation_jobs set fired_at = null where due_at <= ${NOW}`;
      await sql`delete from events`;
      const t0 = performance.now();
      const taken = await escalateDue(deps);
      times.push(performance.now() - t0);
      if (taken !== DUE) throw new Error(`${label}: tick took ${taken} rows, expected ${DUE}`);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(RUNS / 2)] ?? 0;
    console.log(`${label}: median tick ${median.toFixed(1)} ms (runs: ${times.map((t) => t.toFixed(0)).join(', ')})`);
    return median;
  };

  let t0 = performance.now();
  await addBombs(1, SMALL + 1);
  console.log(`stored ${SMALL} bombs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const small = await measure(`${SMALL.toLocaleString('en')} stored, ${DUE} due`);

  t0 = performance.now();
  for (let from = SMALL + 1; from <= LARGE; from += 250_000) await addBombs(from, Math.min(LARGE + 1, from + 250_000));
  console.log(`grew to ${LARGE} bombs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const large = await measure(`${LARGE.toLocaleString('en')} stored, ${DUE} due`);

  console.log(`ratio (large / small): ${(large / small).toFixed(2)} (goal < 1.5)`);
} finally {
  await sql.end();
  await database.close();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
