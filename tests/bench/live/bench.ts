/**
 * Live stream benchmark (run by hand, not by pnpm test):
 *   ./server/node_modules/.bin/tsx tests/bench/live/bench.ts
 * Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test); makes
 * and drops its own randomly named database. BENCH_CLIENTS (1000) and BENCH_ROUNDS (200) tune it.
 *
 * 1. memory of the server with BENCH_CLIENTS idle live clients;
 * 2. per filing: the hub's fan-out start → the last client's receipt, and POST /api/bombs → the
 *    last client's receipt;
 * 3. baseline in the same run: a raw `ws` server broadcasting the same frame to as many clients;
 * 4. intake req/s of POST /api/bombs with the cross-instance signal on (PgSignal + a second
 *    listening instance) against off (in-process signal only).
 * The clients and the load generator run in a child process (clients.ts).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildApp } from '@defuse/server/app';
import { systemClock } from '@defuse/server/clock';
import { openPostgres } from '@defuse/server/db/open';
import type { Deps } from '@defuse/server/deps';
import type { FanOutInfo } from '@defuse/server/live/hub';
import { LocalSignal } from '@defuse/server/live/local-signal';
import { PgSignal } from '@defuse/server/live/pg-signal';
import { lastEventSeq, listEventsAfter } from '@defuse/server/queries/events';
import postgres from 'postgres';
import { WebSocketServer } from 'ws';
import { createWorkspace } from '../../helpers/factories.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const N = Number(process.env.BENCH_CLIENTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const INTAKE_SECONDS = Number(process.env.BENCH_INTAKE_SECONDS ?? 5);
const INTAKE_CONCURRENCY = 8;
const now = () => performance.timeOrigin + performance.now();
const config = {
  publicOrigins: [] as string[],
  secureCookies: false,
  trustProxy: undefined,
  logLevel: 'silent' as const,
};

type ChildMessage = Record<string, unknown>;

function ask(child: ChildProcess, command: object, until: (m: ChildMessage) => boolean): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: ChildMessage) => {
      if (typeof m.error === 'string') reject(new Error(`client process: ${m.error}`));
      if (until(m)) {
        child.off('message', onMessage);
        resolve(m);
      }
    };
    child.on('message', onMessage);
    child.send(command);
  });
}

function waitFor(child: ChildProcess, until: (m: ChildMessage) => boolean): Promise<ChildMessage> {
  return new Promise((resolve) => {
    const onMessage = (m: ChildMessage) => {
      if (!until(m)) return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
  });
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};
const ms = (x: number) => `${x.toFixed(2)} ms`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function main() {
  const name = `defuse_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString(), { max: 10 });
  const offDatabase = openPostgres(url.toString(), { max: 10 });
  const child = fork(new URL('./clients.ts', import.meta.url));
  try {
    await database.migrate();
    if (!database.pg) throw new Error('expected PostgreSQL');
    const signal = await PgSignal.start(database.pg);
    const deps: Deps = { db: database.db, dbKind: 'postgres', clock: systemClock, signal };
    const app = await buildApp(deps, { config, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const w = await createWorkspace({ deps });
    const live = { cookie: w.pm.headers.cookie };
    const post = {
      cookie: w.field.headers.cookie,
      'content-type': 'application/json',
      'sec-fetch-site': 'same-origin',
    };
    const body = JSON.stringify({
      title: 'Shipment late for the pilot customer',
      category: 'shipping',
      severity: 'normal',
    });

    // 1. Memory with N idle clients.
    gc();
    const before = process.memoryUsage();
    await ask(
      child,
      { cmd: 'connect', url: `${base.replace('http', 'ws')}/api/live`, n: N, headers: live, waitFor: 'hello' },
      (m) => 'connected' in m,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    gc();
    const after = process.memoryUsage();
    const memory = {
      rss: after.rss - before.rss,
      heap: after.heapUsed - before.heapUsed,
      total: after.rss,
      connections: app.liveHub.connectionCount,
    };

    // 2. Filing → fan-out → last receipt.
    const fanOuts: { first: number; last: number; at: number }[] = [];
    app.liveHub.on('fanout', (f: FanOutInfo) =>
      fanOuts.push({ first: f.firstSeq, last: f.lastSeq, at: performance.timeOrigin + f.startedAt }),
    );
    // Completion reports from the clients, by bomb and event type.
    const done = new Map<string, { seq: number; at: number }>();
    const waiters = new Map<string, () => void>();
    child.on('message', (m: ChildMessage) => {
      if (typeof m.done !== 'number' || typeof m.at !== 'number') return;
      const key = `${String(m.bombId)}:${String(m.type)}`;
      done.set(key, { seq: m.done, at: m.at });
      waiters.get(key)?.();
    });
    const completion = (key: string) =>
      new Promise<{ seq: number; at: number }>((resolve) => {
        const check = () => {
          const d = done.get(key);
          if (!d) return;
          waiters.delete(key);
          resolve(d);
        };
        waiters.set(key, check);
        check();
      });
    const send: number[] = [];
    const endToEnd: number[] = [];
    const responded: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = now();
      const res = await fetch(`${base}/api/bombs`, { method: 'POST', headers: post, body });
      const { bomb } = (await res.json()) as { bomb: { id: string } };
      responded.push(now() - t0);
      // One filing writes bomb.filed then bomb.routed: the first frame is compared with the raw
      // broadcast of one frame; the end-to-end figure waits for the last.
      const filed = await completion(`${bomb.id}:bomb.filed`);
      const routed = await completion(`${bomb.id}:bomb.routed`);
      const fan = fanOuts.find((f) => f.first <= filed.seq && filed.seq <= f.last);
      if (!fan) throw new Error(`no fan-out for seq ${filed.seq}`);
      send.push(filed.at - fan.at);
      endToEnd.push(routed.at - t0);
    }
    // The frame the hub sent for the newest event, re-sent by the raw server below.
    const newest = await lastEventSeq(database.db);
    const [lastEvent] = await listEventsAfter(database.db, newest - 1, 1);
    const sampleFrame = JSON.stringify({ type: 'event', event: lastEvent });
    await ask(child, { cmd: 'disconnect' }, (m) => 'disconnected' in m);

    // 3. Raw ws broadcast of the same frame to N clients.
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const rawPort = (wss.address() as AddressInfo).port;
    await ask(
      child,
      { cmd: 'connect', url: `ws://127.0.0.1:${rawPort}`, n: N, headers: {}, waitFor: 'open' },
      (m) => 'connected' in m,
    );
    const raw: number[] = [];
    const template = JSON.parse(sampleFrame) as { type: string; event: Record<string, unknown> };
    for (let i = 0; i < ROUNDS; i++) {
      const seq = 1_000_000_000 + i;
      const payload = JSON.stringify({ ...template, event: { ...template.event, seq } });
      const done = waitFor(child, (m) => m.done === seq) as Promise<{ at: number }>;
      const t0 = now();
      // Encoded once, as the hub does: the baseline is the best plain ws can do, not its README loop.
      const frame = Buffer.from(payload);
      for (const client of wss.clients) client.send(frame, { binary: false });
      raw.push((await done).at - t0);
    }
    await ask(child, { cmd: 'disconnect' }, (m) => 'disconnected' in m);
    wss.close();

    // 4. Intake with the signal off and on, alternating, a second instance listening throughout.
    await ask(child, { cmd: 'instance', databaseUrl: url.toString() }, (m) => m.instance === 'ready');
    const offDeps: Deps = { db: offDatabase.db, dbKind: 'postgres', clock: systemClock, signal: new LocalSignal() };
    const offApp = await buildApp(offDeps, { config, logger: false });
    await offApp.listen({ port: 0, host: '127.0.0.1' });
    const offBase = `http://127.0.0.1:${(offApp.server.address() as AddressInfo).port}`;
    const rates = { off: [] as number[], on: [] as number[] };
    const notifiesBefore = signal.notifications;
    let onRequests = 0;
    for (const mode of ['off', 'on', 'off', 'on', 'off', 'on'] as const) {
      const r = (await ask(
        child,
        {
          cmd: 'load',
          url: `${mode === 'on' ? base : offBase}/api/bombs`,
          headers: post,
          body,
          concurrency: INTAKE_CONCURRENCY,
          seconds: INTAKE_SECONDS,
        },
        (m) => 'loaded' in m,
      )) as { loaded: number; failed: number };
      if (r.failed > 0) throw new Error(`${r.failed} filings failed`);
      rates[mode].push(r.loaded / INTAKE_SECONDS);
      if (mode === 'on') onRequests += r.loaded;
    }
    const notifies = signal.notifications - notifiesBefore;
    const exited = (await ask(child, { cmd: 'exit' }, (m) => 'exited' in m)) as { fanOuts: number };
    await offApp.close();
    await app.close();
    await signal.close();

    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const lines = [
      `clients ${N}, rounds ${ROUNDS}, PostgreSQL ${name}, load average at the end ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`,
      `memory, ${memory.connections} idle clients: rss +${mib(memory.rss)} (${(memory.rss / N / 1024).toFixed(1)} KiB each), heap +${mib(memory.heap)}, rss total ${mib(memory.total)}`,
      `fan-out start → last receipt of the first frame: p50 ${ms(quantile(send, 0.5))}, p99 ${ms(quantile(send, 0.99))}`,
      `raw ws broadcast → last receipt: p50 ${ms(quantile(raw, 0.5))}, p99 ${ms(quantile(raw, 0.99))}`,
      `ratio hub/raw: p50 ${(quantile(send, 0.5) / quantile(raw, 0.5)).toFixed(2)}×, p99 ${(quantile(send, 0.99) / quantile(raw, 0.99)).toFixed(2)}× (goal ≤ 1.5×)`,
      `POST /api/bombs → last receipt: p50 ${ms(quantile(endToEnd, 0.5))}, p99 ${ms(quantile(endToEnd, 0.99))} (goal p99 < 100 ms); of which the HTTP response alone: p50 ${ms(quantile(responded, 0.5))}, p99 ${ms(quantile(responded, 0.99))}`,
      `intake req/s, signal off: ${rates.off.map((r) => r.toFixed(0)).join(', ')} (mean ${mean(rates.off).toFixed(0)})`,
      `intake req/s, signal on:  ${rates.on.map((r) => r.toFixed(0)).join(', ')} (mean ${mean(rates.on).toFixed(0)}); ${notifies} NOTIFY for ${onRequests} filings; the other instance read ${exited.fanOuts} batches`,
      `ratio on/off: ${(mean(rates.on) / mean(rates.off)).toFixed(2)}× (goal ≥ 0.9×)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    child.kill();
    await database.close();
    await offDatabase.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
