/**
 * Intake benchmark (issue 7): the real POST /api/bombs against a baseline that does nothing but two
 * INSERTs in one transaction with postgres.js, in the same server process, and pgbench with the
 * same two INSERTs as the database's ceiling. Prints req/s, p99 and the ratios.
 *
 *   pnpm bench:intake            # BENCH_SECONDS=10 BENCH_CONNECTIONS=20 by default
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '@defuse/server/app';
import { systemClock } from '@defuse/server/clock';
import { openPostgres } from '@defuse/server/db/open';
import { LocalSignal } from '@defuse/server/live/local-signal';
import postgres from 'postgres';
import { TEST_ORIGIN, testConfig } from '../../helpers/app.ts';
import { createWorkspace } from '../../helpers/factories.ts';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const LOAD = fileURLToPath(new URL('./load.ts', import.meta.url));

type Result = { rps: number; p99: number; non2xx: number; errors: number };

function autocannon(url: string, headers: Record<string, string>, body: string, idempotency = false): Promise<Result> {
  const args = [
    '--import',
    'tsx',
    LOAD,
    JSON.stringify({ url, headers, body, connections: CONNECTIONS, seconds: SECONDS, idempotency }),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('exit', () => {
      try {
        const r = JSON.parse(out) as {
          requests: { average: number };
          latency: { p99: number };
          non2xx: number;
          errors: number;
        };
        resolve({ rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors });
      } catch (err) {
        reject(new Error(`autocannon output unreadable: ${String(err)}\n${out}`));
      }
    });
  });
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

    console.log(`intake bench: ${SECONDS}s × ${CONNECTIONS} connections, PostgreSQL ${name}`);
    // Warm both paths so neither pays for JIT or cold caches in its measured run.
    await autocannon(`${address}/bench/baseline`, json, body);
    await autocannon(
      `${address}/api/bombs`,
      { ...json, cookie: ws.field.headers.cookie, origin: TEST_ORIGIN },
      body,
      true,
    );

    const baseline = await autocannon(`${address}/bench/baseline`, json, body);
    const real = await autocannon(
      `${address}/api/bombs`,
      { ...json, cookie: ws.field.headers.cookie, origin: TEST_ORIGIN },
      body,
      true,
    );
    await app.close();

    const script = join(mkdtempSync(join(tmpdir(), 'defuse-pgbench-')), 'two-inserts.sql');
    writeFileSync(
      script,
      'BEGIN;\nINSERT INTO bench_bombs (title) VALUES (\'pgbench\');\nINSERT INTO bench_events (data) VALUES (\'{"title": "pgbench"}\');\nEND;\n',
    );
    const pgbench = execFileSync(
      'pgbench',
      ['-n', '-c', String(CONNECTIONS), '-j', '2', '-T', String(SECONDS), '-f', script, url.toString()],
      { encoding: 'utf8' },
    );
    const tps = Number(/tps = ([\d.]+)/.exec(pgbench)?.[1] ?? 0);

    const row = (label: string, r: Result) =>
      console.log(
        `${label.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s   p99 ${String(r.p99).padStart(4)} ms   non-2xx ${r.non2xx}  errors ${r.errors}`,
      );
    row('baseline (2 INSERTs, postgres.js)', baseline);
    row('POST /api/bombs (real)', real);
    console.log(`${'pgbench (same 2 INSERTs)'.padEnd(34)} ${tps.toFixed(0).padStart(7)} tps`);
    console.log(`ratio req/s real ÷ baseline: ${(real.rps / baseline.rps).toFixed(2)}   (goal ≥ 0.6)`);
    console.log(`ratio p99   real ÷ baseline: ${(real.p99 / Math.max(baseline.p99, 1)).toFixed(2)}   (goal ≤ 2)`);
    console.log(`baseline ÷ pgbench ceiling:  ${(baseline.rps / tps).toFixed(2)}`);
  } finally {
    await database.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

await main();
