import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveSocket, openLive } from '../helpers/app.ts';
import { FAULT_DATABASES } from '../helpers/fault-databases.ts';
import { frame, OPCODE, type RawConnection, rawUpgrade } from '../helpers/raw-websocket.ts';
import { type ServerProcess, signInCookie, startServer } from '../helpers/server-process.ts';

const ORIGIN = 'http://127.0.0.1:1';
const ADMIN = { DEFUSE_ADMIN_EMAIL: 'root@example.test', DEFUSE_ADMIN_PASSWORD: 'frames-password' };
const KiB = 1024;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const text = (payload: string | Buffer, fin = true) => frame({ opcode: OPCODE.text, payload, fin });
const continuation = (payload: string | Buffer, fin = false) => frame({ opcode: OPCODE.continuation, payload, fin });
const repeat = (bytes: Buffer, times: number) => Buffer.concat(Array.from({ length: times }, () => bytes));

/** Frames the server must refuse by closing the connection, with the close code RFC 6455 gives. */
const MALFORMED: [string, Buffer, number][] = [
  ['RSV1 set (no extension was negotiated)', frame({ opcode: OPCODE.text, payload: 'hi', rsv: 4 }), 1002],
  ['RSV2 and RSV3 set', frame({ opcode: OPCODE.text, payload: 'hi', rsv: 3 }), 1002],
  ['a reserved data opcode (0x3)', frame({ opcode: 0x3, payload: 'hi' }), 1002],
  ['a reserved control opcode (0xB)', frame({ opcode: 0xb, payload: 'hi' }), 1002],
  ['an unmasked client frame', frame({ opcode: OPCODE.text, payload: 'hi', masked: false }), 1002],
  ['a continuation with nothing to continue', continuation('hi', true), 1002],
  ['a fragmented ping', frame({ opcode: OPCODE.ping, payload: 'hi', fin: false }), 1002],
  ['a ping over 125 bytes', frame({ opcode: OPCODE.ping, payload: 'x'.repeat(126) }), 1002],
  ['a close frame with an invalid code', frame({ opcode: OPCODE.close, payload: Buffer.from([0x03, 0xe7]) }), 1002],
  ['text that is not UTF-8', text(Buffer.from([0xff, 0xfe, 0xfd])), 1007],
  // 127 announces a 64-bit length; this one is beyond any buffer (2^63 - 1).
  ['a length of 2^63 - 1', Buffer.from([0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 1009],
  ['a single frame over 64 KiB', text('x'.repeat(65 * KiB)), 1009],
];

/** Resident memory of the server process, in MiB (Linux). */
function rssMiB(server: ServerProcess): number {
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

describe.each(FAULT_DATABASES)('hostile websocket traffic on $name', ({ create }) => {
  let server: ServerProcess;
  let headers: Record<string, string>;
  let observer: LiveSocket;
  let filed = 0;

  beforeAll(async () => {
    const database = await create();
    cleanups.push(() => database.drop());
    server = await startServer({ ...database.env, ...ADMIN, PUBLIC_ORIGIN: ORIGIN, DEFUSE_SEED: 'none' });
    cleanups.push(() => server.stop('SIGKILL'));
    const cookie = await signInCookie(server.url, {
      email: ADMIN.DEFUSE_ADMIN_EMAIL,
      password: ADMIN.DEFUSE_ADMIN_PASSWORD,
    });
    headers = { cookie, origin: ORIGIN };
    // A well-behaved client connected throughout: it must keep receiving whatever the others send.
    observer = await openLive(server.url.replace(/^http/, 'ws'), { headers });
    await observer.waitForLive('hello');
    cleanups.push(async () => observer.close());
  });

  /** The process is up, healthy, and the observer still receives a new filing's event. */
  async function expectStillServing() {
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    filed += 1;
    const res = await fetch(`${server.url}/api/bombs`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ title: `still serving ${filed}`, category: 'stock', severity: 'low' }),
    });
    expect(res.status).toBe(201);
    const { bomb } = (await res.json()) as { bomb: { id: string } };
    await observer.waitForLive('event', (m) => m.event.bombId === bomb.id && m.event.type === 'bomb.filed');
  }

  async function upgraded(): Promise<RawConnection> {
    const conn = await rawUpgrade(server.url, { headers });
    expect(conn.status).toBe(101);
    cleanups.push(async () => conn.socket.destroy());
    return conn;
  }

  /** Resolves once the server has closed the connection; fails if it is still open after `ms`. */
  async function closedWithin(conn: RawConnection, ms: number): Promise<number | undefined> {
    const timeout = new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), ms));
    expect(await Promise.race([conn.ended.then(() => 'closed' as const), timeout])).toBe('closed');
    return conn.closeCode();
  }

  it('refuses a frame-level attack from someone not signed in before any frame is read', async () => {
    const conn = await rawUpgrade(server.url, { headers: { origin: ORIGIN } });
    expect(conn.status).toBe(401);
    await expectStillServing();
  });

  it.each(MALFORMED)('closes the connection that sends %s and stays up', async (_, bytes, code) => {
    const conn = await upgraded();
    await conn.write(bytes);
    expect(await closedWithin(conn, 5000)).toBe(code);
    await expectStillServing();
  });

  it('refuses an upgrade with 2,000 headers (431 or a closed connection) and stays up', async () => {
    const lines = (size: number) => Array.from({ length: 2000 }, (_, i) => `x-h${i}: ${'v'.repeat(size)}`);
    // 2,000 headers of 20 bytes pass Node's 16 KiB limit; 2,000 of 1 byte stay under it.
    for (const size of [20, 1]) {
      const conn = await rawUpgrade(server.url, { headers, extraHeaderLines: lines(size) });
      cleanups.push(async () => conn.socket.destroy());
      expect([0, 431], `2,000 headers of ${size} byte(s)`).toContain(conn.status);
    }
    // The same for a plain request, and a signed-in one with a hundred headers still works.
    const plain = await rawUpgrade(server.url, { path: '/api/health', extraHeaderLines: lines(1) });
    expect([0, 431]).toContain(plain.status);
    const ordinary = await rawUpgrade(server.url, { headers, extraHeaderLines: lines(1).slice(0, 90) });
    expect(ordinary.status).toBe(101);
    ordinary.socket.destroy();
    await expectStillServing();
  });

  it('closes a flood of 1-byte and of empty continuation frames, and a fragmented message over 64 KiB', async () => {
    const oneByte = await upgraded();
    await oneByte.write(Buffer.concat([text('x', false), repeat(continuation('x'), 20_000)]));
    expect(await closedWithin(oneByte, 10_000)).toBe(1008);

    const empty = await upgraded();
    await empty.write(Buffer.concat([text('x', false), repeat(continuation(''), 100_000)]));
    expect(await closedWithin(empty, 10_000)).toBe(1008);

    const large = await upgraded();
    const piece = 'x'.repeat(30 * KiB);
    await large.write(Buffer.concat([text(piece, false), continuation(piece), continuation(piece, true)]));
    expect(await closedWithin(large, 10_000)).toBe(1009);

    const pings = await upgraded();
    await pings.write(repeat(frame({ opcode: OPCODE.ping, payload: 'p' }), 10_000));
    expect(await closedWithin(pings, 10_000)).toBe(1008);
    await expectStillServing();
  });

  it('keeps memory bounded through rounds of 50 sockets flooding fragments at once', async () => {
    const flood = Buffer.concat([text('x', false), repeat(continuation('x'), 20_000)]);
    const before = rssMiB(server);
    const peaks: number[] = [];
    for (let round = 0; round < 6; round++) {
      const conns = await Promise.all(Array.from({ length: 50 }, () => upgraded()));
      let peak = rssMiB(server);
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssMiB(server));
      }, 20);
      await Promise.all(conns.map((c) => c.write(flood)));
      const codes = await Promise.all(conns.map((c) => closedWithin(c, 15_000)));
      clearInterval(sampler);
      peaks.push(Math.max(peak, rssMiB(server)));
      expect(new Set(codes)).toEqual(new Set([1008]));
      await expectStillServing();
    }
    console.log(`RSS before ${before.toFixed(0)} MiB; peak per round ${peaks.map((p) => p.toFixed(0)).join(', ')} MiB`);
    // Buffered whole, 300 × 20,000 fragments would take hundreds of MiB; cut off after 16, next to
    // nothing (what growth there is, is garbage not yet collected: under a heap cap it stays flat).
    expect(Math.max(...peaks) - before).toBeLessThan(96);
  });
});
