/**
 * Intake benchmark (issue 7): the real POST /api/bombs against a baseline that does nothing but two
 * INSERTs in one transaction with postgres.js, in the same server process, and pgbench with the
 * same two INSERTs as the database's ceiling. Prints req/s, p99 and the ratios.
 *
 *   pnpm bench:intake            # BENCH_ROUNDS=3 BENCH_SECONDS=5 BENCH_CONNECTIONS=20 by default
 *
 * The two are measured in alternating rounds (baseline, real, baseline, real …) and summed, so
 * other work on the machine weighs on both alike rather than on whichever ran while it was busy.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '@defuse/server/app';
import { systemClock } from '@defuse/server/clock';
import { openPostgres } from '@defuse/server/db/open';
import { LocalSignal } from '@defuse/server/live/local-signal';
import postgres from 'postgres';
import { TEST_ORIGIN, testConfig } from '../../helpers/app.ts';
import { createWorkspace } from '../../helpers/factories.ts';
import { runLoad } from '../load/autocannon.ts';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

/** `cpuMs`: this process's CPU (the server's: autocannon runs in a child) per request. */
type Result = { rps: number; p99: number; non2xx: number; errors: number; cpuMs: number };

/** Rounds of one side as one: mean req/s, the median round's p99, every failure counted. */
function combine(rounds: Result[]): Result {
  const p99s = rounds.map((r) => r.p99).sort((a, b) => a - b);
  return {
    rps: rounds.reduce((sum, r) => sum + r.rps, 0) / rounds.length,
    p99: p99s[Math.floor(p99s.length / 2)] ?? 0,
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    cpuMs: rounds.reduce((sum, r) => sum + r.cpuMs, 0) / rounds.length,
  };
}

/** One side's load, from autocannon in its own process (the shared bench load module). */
async function autocannon(url: string, headers: Record<string, string>, body: string, idempotency = false) {
  const before = process.cpuUsage();
  const r = await runLoad({ url, headers, body, connections: CONNECTIONS, seconds: SECONDS, idempotency });
  const cpu = process.cpuUsage(before);
  return { ...r, cpuMs: (cpu.user + cpu.system) / 1000 / Math.max(r.requests, 1) };
}

async function main() {
  const name = `defuse_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString(), { max: 10 });
  try {
    await database.migrate();
    const sql = database.pg;
    if (!sql) throw new Error('postgres.js client missing');
    await sql`create table bench_bombs (id uuid primary key default gen_random_uuid(), title text not null, created_at timestamptz not null default now())`;
    await sql`create table bench_events (seq bigserial primary key, data jsonb not null, at timestamptz not null default now())`;

    let reported = false;
    const deps = { db: database.db, dbKind: database.kind, clock: systemClock, signal: new LocalSignal() };
    const app = await buildApp(deps, { config: testConfig, logger: false });
    // The baseline lives in the same process, so both share the event loop, the pool and the machine.
    app.post('/bench/baseline', async (request, reply) => {
      const { title } = request.body as { title: string };
      await sql.begin(async (tx) => {
        const [row] = await tx`insert into bench_bombs (title) values (${title}) returning id`;
        // JSON as text with a cast: drizzle's driver replaces this client's json serializer.
        await tx`insert into bench_events (data) values (${JSON.stringify({ bombId: row?.id ?? null, title })}::jsonb)`;
      });
      return reply.code(201).send({ ok: true });
    });
    app.addHook('onError', async (_request, _reply, err) => {
      if (!reported) console.error('bench: a request failed:', err);
      reported = true;
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const ws = await createWorkspace({ deps });
    const body = JSON.stringify({
      title: '納期に届かない Shipment late',
      category: 'shipping',
      severity: 'normal',
      customer: 'Bench Co',
    });
    const json = { 'content-type': 'application/json' };

    console.log(
      `intake bench: ${ROUNDS} rounds × ${SECONDS}s × ${CONNECTIONS} connections each side, PostgreSQL ${name}`,
    );
    const runBaseline = () => autocannon(`${address}/bench/baseline`, json, body);
    const runReal = () =>
      autocannon(`${address}/api/bombs`, { ...json, cookie: ws.field.headers.cookie, origin: TEST_ORIGIN }, body, true);
    // Warm both paths so neither pays for JIT or cold caches in its measured run.
    await runBaseline();
    await runReal();

    const baselineRounds: Result[] = [];
    const realRounds: Result[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      baselineRounds.push(await runBaseline());
      realRounds.push(await runReal());
      const [b, r] = [baselineRounds.at(-1), realRounds.at(-1)];
      console.log(`  round ${i + 1}: baseline ${b?.rps.toFixed(0)} req/s, real ${r?.rps.toFixed(0)} req/s`);
    }
    const baseline = combine(baselineRounds);
    const real = combine(realRounds);
    await app.close();

    const dir = mkdtempSync(join(tmpdir(), 'defuse-pgbench-'));
    const pgbench = (file: string, text: string) => {
      writeFileSync(join(dir, file), text);
      const out = execFileSync(
        'pgbench',
        ['-n', '-M', 'prepared', '-c', String(CONNECTIONS), '-j', '2', '-T', String(SECONDS)].concat([
          '-f',
          join(dir, file),
          url.toString(),
        ]),
        { encoding: 'utf8' },
      );
      return Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? 0);
    };
    const tps = pgbench(
      'two-inserts.sql',
      'BEGIN;\nINSERT INTO bench_bombs (title) VALUES (\'pgbench\');\nINSERT INTO bench_events (data) VALUES (\'{"title": "pgbench"}\');\nEND;\n',
    );
    // The database's own share of a filing: the statements the server sends, with no server at all.
    const filingTps = pgbench('filing.sql', filingScript(ws.field.id, ws.departments.logistics, body));
    const row = (label: string, r: Result) =>
      console.log(
        `${label.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s   p99 ${String(r.p99).padStart(4)} ms   server CPU ${r.cpuMs.toFixed(2)} ms/req   non-2xx ${r.non2xx}  errors ${r.errors}`,
      );
    row('baseline (2 INSERTs, postgres.js)', baseline);
    row('POST /api/bombs (real)', real);
    console.log(`${'pgbench (same 2 INSERTs)'.padEnd(34)} ${tps.toFixed(0).padStart(7)} tps`);
    console.log(`${'pgbench (one filing alone)'.padEnd(34)} ${filingTps.toFixed(0).padStart(7)} tps`);
    console.log(`ratio req/s real ÷ baseline: ${(real.rps / baseline.rps).toFixed(2)}   (goal ≥ 0.6)`);
    console.log(`ratio p99   real ÷ baseline: ${(real.p99 / Math.max(baseline.p99, 1)).toFixed(2)}   (goal ≤ 2)`);
    console.log(`baseline ÷ pgbench ceiling:  ${(baseline.rps / tps).toFixed(2)}`);
    console.log(`real ÷ its pgbench ceiling:  ${(real.rps / filingTps).toFixed(2)}`);
    console.log(`filing ÷ 2 INSERTs in pgbench: ${(filingTps / tps).toFixed(2)}   (the database's share alone)`);
  } finally {
    await database.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/**
 * A filing as pgbench can send it: the transaction the server sends for a shipping bomb routed to
 * logistics under the default policy (one statement of reads, then one of writes; the routing
 * context itself is cached), kept by hand in step
 * with server/src/commands/file-bomb.ts. Each client files with its own keys.
 */
function filingScript(personId: string, departmentId: string, requestBody: string): string {
  const bomb = JSON.stringify({ bomb: { ...JSON.parse(requestBody), id: 'x', key: 'SHIP-0', status: 'open' } });
  const id = `('00000000-0000-4000-8000-' || lpad(:n::text, 12, '0'))::uuid`;
  const job = (tier: number, target: string) =>
    `(${id}, 'claim_overdue', now() + interval '1 day', ${tier}, '${target}', now() + interval '1 day')`;
  return `BEGIN;
select version, defuse_uuidv7()::text, nextval('bomb_number_seq') as n, pg_current_xact_id()::text as xact, true as product, pg_try_advisory_xact_lock(7234003, hashtext('${personId}:' || currval('bomb_number_seq'))) as locked from routing_version \\gset
with b as (insert into bombs (id, number, key, title, description, category, severity, status, restricted, filed_by_id, department_id, helper_ids, created_at, updated_at, claim_due_at) values (${id}, :n, 'SHIP-' || :n, 'pgbench', '', 'shipping', 'normal', 'open', false, '${personId}', '${departmentId}', '{}', now(), now(), now() + interval '1 day')),
s as (insert into ownership_spans (bomb_id, department_id, category, routed_at) values (${id}, '${departmentId}', 'shipping', now())),
j as (insert into escalation_jobs (bomb_id, reason, deadline_at, tier, target, due_at) values ${job(1, 'lead')}, ${job(2, 'pm')}, ${job(3, 'admin')}),
k as (insert into idempotency_keys (person_id, key, request_hash, response_status, response_body, created_at) values ('${personId}', 'pgbench-' || :n, 'hash', 201, '${bomb}', now()))
insert into events (type, bomb_id, actor_id, at, data) values ('bomb.filed', ${id}, '${personId}', now(), '${bomb}'), ('bomb.routed', ${id}, null, now(), '${bomb}') returning *;
END;
`;
}

await main();
