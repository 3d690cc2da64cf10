/**
 * The benchmark's other process: 1,000 websocket clients (so that their work does not share the
 * server's event loop), an HTTP load generator, and a second Defuse instance when asked.
 * Driven by the parent over IPC; see bench.ts.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

type Command =
  | { cmd: 'connect'; url: string; n: number; headers: Record<string, string>; waitFor: 'hello' | 'open' }
  | { cmd: 'disconnect' }
  | { cmd: 'load'; url: string; headers: Record<string, string>; body: string; concurrency: number; seconds: number }
  | { cmd: 'instance'; databaseUrl: string }
  | { cmd: 'exit' };

const now = () => performance.timeOrigin + performance.now();
const send = (message: object) => process.send?.(message);

let sockets: WebSocket[] = [];
/** Per seq: how many clients have it, and when the last one got it. */
const receipts = new Map<number, { count: number; bombId: string | null; type: string }>();
let expected = 0;

const SEQ = /"seq":(\d+)/;

function onFrame(data: WebSocket.RawData) {
  const at = now();
  const text = data.toString();
  const m = SEQ.exec(text);
  if (!m) return;
  const seq = Number(m[1]);
  let r = receipts.get(seq);
  if (!r) {
    const message = JSON.parse(text) as { event: { bombId: string | null; type: string } };
    r = { count: 0, bombId: message.event.bombId, type: message.event.type };
    receipts.set(seq, r);
  }
  r.count += 1;
  if (r.count === expected) {
    send({ done: seq, at, bombId: r.bombId, type: r.type });
    receipts.delete(seq);
  }
}

async function connect(c: Extract<Command, { cmd: 'connect' }>) {
  expected = c.n;
  const batch = 50;
  for (let i = 0; i < c.n; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, c.n - i) }, () => {
        const ws = new WebSocket(c.url, { headers: c.headers });
        sockets.push(ws);
        ws.on('error', (err) => send({ error: String(err) }));
        return new Promise<void>((resolve) => {
          if (c.waitFor === 'open') ws.once('open', () => resolve());
          else ws.once('message', () => resolve());
        });
      }),
    );
  }
  for (const ws of sockets) ws.on('message', onFrame);
  send({ connected: sockets.length });
}

async function load(c: Extract<Command, { cmd: 'load' }>) {
  const end = performance.now() + c.seconds * 1000;
  let ok = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: c.concurrency }, async () => {
      while (performance.now() < end) {
        const res = await fetch(c.url, { method: 'POST', headers: c.headers, body: c.body });
        await res.arrayBuffer();
        if (res.status === 201) ok++;
        else failed++;
      }
    }),
  );
  send({ loaded: ok, failed, seconds: c.seconds });
}

async function instance(databaseUrl: string) {
  const { buildApp } = await import('@defuse/server/app');
  const { openPostgres } = await import('@defuse/server/db/open');
  const { PgSignal } = await import('@defuse/server/live/pg-signal');
  const { systemClock } = await import('@defuse/server/clock');
  const database = openPostgres(databaseUrl, { max: 4 });
  if (!database.pg) throw new Error('no postgres');
  const signal = await PgSignal.start(database.pg);
  const app = await buildApp(
    { db: database.db, dbKind: 'postgres', clock: systemClock, signal },
    { config: { publicOrigins: [], secureCookies: false, trustProxy: undefined, logLevel: 'silent' }, logger: false },
  );
  await app.ready();
  let reads = 0;
  app.liveHub.on('fanout', () => reads++);
  send({ instance: 'ready' });
  return async () => {
    await app.close();
    await signal.close();
    await database.close();
    return reads;
  };
}

let stopInstance: (() => Promise<number>) | undefined;

process.on('message', (c: Command) => {
  void (async () => {
    switch (c.cmd) {
      case 'connect':
        return connect(c);
      case 'disconnect':
        for (const ws of sockets) ws.terminate();
        sockets = [];
        receipts.clear();
        return send({ disconnected: true });
      case 'load':
        return load(c);
      case 'instance':
        stopInstance = await instance(c.databaseUrl);
        return;
      case 'exit': {
        const fanOuts = stopInstance ? await stopInstance() : 0;
        send({ exited: true, fanOuts });
        process.exit(0);
      }
    }
  })().catch((err: unknown) => send({ error: String(err) }));
});
