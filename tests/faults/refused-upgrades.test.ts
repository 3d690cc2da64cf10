import { connect } from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveSocket, openLive } from '../helpers/app.ts';
import { type PrivatePostgres, privatePostgres } from '../helpers/private-postgres.ts';
import { openFds, tcpSocketsOf } from '../helpers/process-sockets.ts';
import { type RawConnection, rawUpgrade } from '../helpers/raw-websocket.ts';
import { type ServerProcess, signInCookie, startServer } from '../helpers/server-process.ts';

const ORIGIN = 'http://127.0.0.1:1';
const ADMIN = { DEFUSE_ADMIN_EMAIL: 'root@example.test', DEFUSE_ADMIN_PASSWORD: 'upgrade-password' };
/** 2,000 one-byte headers: under Node's 16 KiB, over Defuse's 100 (431). */
const HEADERS_2000 = Array.from({ length: 2000 }, (_, i) => `x-h${i}: v`);
const cleanups: (() => unknown)[] = [];
let pg: PrivatePostgres;
let server: ServerProcess;
let pid: number;
let port: number;

beforeAll(async () => {
  pg = await privatePostgres();
  cleanups.push(() => pg.destroy());
  server = await startServer({ DATABASE_URL: pg.url, ...ADMIN, PUBLIC_ORIGIN: ORIGIN, DEFUSE_SEED: 'none' });
  cleanups.push(() => server.stop('SIGKILL'));
  pid = server.child.pid ?? 0;
  port = Number(new URL(server.url).port);
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The server's accepted connections (its listening socket aside), in any state. */
const accepted = () => tcpSocketsOf(pid).filter((s) => s.localPort === port && s.state !== '0A');

/** Resolves true once the server has closed the connection by itself, false if still open after `ms`. */
async function closedByServer(conn: RawConnection, ms: number): Promise<boolean> {
  return Promise.race([conn.ended.then(() => true), sleep(ms).then(() => false)]);
}

/** The docs/api.md error body of a refused upgrade (its Content-Length, read whole once closed). */
function errorBody(conn: RawConnection): unknown {
  return JSON.parse(conn.received().toString('utf8'));
}

/** Polls until `check` holds or `ms` passed; resolves with its last value. */
async function eventually<T>(read: () => T, check: (value: T) => boolean, ms = 3000): Promise<T> {
  const until = performance.now() + ms;
  let value = read();
  while (!check(value) && performance.now() < until) {
    await sleep(50);
    value = read();
  }
  return value;
}

describe('refused websocket upgrades', () => {
  it('closes each one: 100 upgrades with 2,000 headers leave no socket and no descriptor behind', async () => {
    // Warm up whatever a first refusal allocates, then take the baseline.
    const first = await rawUpgrade(server.url, { extraHeaderLines: HEADERS_2000 });
    expect(first.status).toBe(431);
    expect(await closedByServer(first, 2000)).toBe(true);
    await eventually(accepted, (s) => s.length === 0);
    const fdsBefore = openFds(pid).length;

    const statuses: number[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const conns = await Promise.all(
        Array.from({ length: 10 }, () => rawUpgrade(server.url, { extraHeaderLines: HEADERS_2000 })),
      );
      for (const conn of conns) {
        statuses.push(conn.status);
        // The server closes the connection itself; the client never does.
        expect(await closedByServer(conn, 2000), `upgrade answered ${conn.status} left open`).toBe(true);
        const code = conn.status === 431 ? 'payload_too_large' : 'rate_limited';
        expect(errorBody(conn)).toMatchObject({ error: { code, message: expect.any(String) } });
      }
    }
    expect(statuses.filter((s) => s !== 431 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 431).length).toBeGreaterThan(0);

    const left = await eventually(accepted, (s) => s.length === 0);
    expect(left, 'sockets still held by the server').toEqual([]);
    const fds = await eventually(
      () => openFds(pid).length,
      (n) => n <= fdsBefore,
    );
    expect(fds, 'descriptors after 100 refused upgrades').toBeLessThanOrEqual(fdsBefore);
  });

  it('refuses with 429, and closes, more than 20 unauthenticated upgrades in progress from one address', async () => {
    // Holding the sessions table makes each upgrade with a (made-up) session cookie wait in the
    // auth hook: in progress, not yet authenticated.
    const holder = postgres(pg.url, { max: 1, onnotice: () => {} });
    cleanups.push(() => holder.end({ timeout: 1 }));
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const transaction = holder.begin(async (tx) => {
      await tx`lock table sessions in access exclusive mode`;
      locked();
      await held;
    });
    await isLocked;
    try {
      const cookie = 'defuse_session=not-a-session';
      const pending = Array.from({ length: 25 }, () => rawUpgrade(server.url, { headers: { cookie } }));
      // The first twenty wait for the database; the five past the cap are refused at once.
      const early = await Promise.all(pending.map((p) => Promise.race([p, sleep(1500).then(() => undefined)])));
      const refused = early.filter((c): c is RawConnection => c !== undefined);
      expect(refused.map((c) => c.status)).toEqual([429, 429, 429, 429, 429]);
      for (const conn of refused) {
        expect(await closedByServer(conn, 2000)).toBe(true);
        expect(errorBody(conn)).toMatchObject({ error: { code: 'rate_limited', message: expect.any(String) } });
      }
      release();
      await transaction;
      const rest = await Promise.all(pending.filter((_, i) => early[i] === undefined));
      expect(rest.map((c) => c.status)).toEqual(Array.from({ length: 20 }, () => 401));
      for (const conn of rest) expect(await closedByServer(conn, 2000)).toBe(true);
    } finally {
      release();
    }
    // Once they are done, the same address may upgrade again.
    const again = await rawUpgrade(server.url, { extraHeaderLines: HEADERS_2000 });
    expect(again.status).toBe(431);
  });

  it('shuts down on SIGTERM within 11 s despite a client that never lets go', async () => {
    const cookie = await signInCookie(server.url, {
      email: ADMIN.DEFUSE_ADMIN_EMAIL,
      password: ADMIN.DEFUSE_ADMIN_PASSWORD,
    });
    // A websocket whose client never answers the close frame, and a request never finished.
    const live: LiveSocket = await openLive(server.url.replace(/^http/, 'ws'), { headers: { cookie, origin: ORIGIN } });
    await live.waitForLive('hello');
    const silent = await rawUpgrade(server.url, { headers: { cookie, origin: ORIGIN } });
    expect(silent.status).toBe(101);
    silent.socket.pause();
    const partial = connect(port, '127.0.0.1');
    partial.on('error', () => {});
    await new Promise((r) => partial.once('connect', r));
    partial.write('GET /api/health HTTP/1.1\r\nHost: x\r\n');
    cleanups.push(() => {
      partial.destroy();
      silent.socket.destroy();
      live.close();
    });
    await sleep(200);

    const started = performance.now();
    const code = await Promise.race([server.stop('SIGTERM'), sleep(20_000).then(() => 'still running')]);
    const ms = performance.now() - started;
    console.log(`SIGTERM to exit: ${ms.toFixed(0)} ms, code ${code}`);
    expect(ms).toBeLessThan(11_500);
    expect(server.child.exitCode ?? server.child.signalCode).not.toBeNull();
  }, 60_000);
});
