import type { DefuseEvent } from '@defuse/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { type LiveSocket, openLive } from '../helpers/app.ts';
import { FAULT_DATABASES } from '../helpers/fault-databases.ts';
import { signInCookie, startServer } from '../helpers/server-process.ts';

const ORIGIN = 'http://127.0.0.1:1';
const ADMIN = { DEFUSE_ADMIN_EMAIL: 'root@example.test', DEFUSE_ADMIN_PASSWORD: 'offline-password' };
const OFFLINE_MS = 30_000;
/** Each filing writes two events (bomb.filed, bomb.routed). */
const FILINGS = 250;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every event after `after` the server holds, through GET /api/events: what a resume must deliver. */
async function eventsAfter(url: string, cookie: string, after: number): Promise<DefuseEvent[]> {
  const all: DefuseEvent[] = [];
  for (let cursor = after; ; ) {
    const res = await fetch(`${url}/api/events?after=${cursor}&limit=1000`, { headers: { cookie } });
    const page = (await res.json()) as { events: DefuseEvent[]; lastSeq: number };
    all.push(...page.events);
    if (page.events.length === 0) return all;
    cursor = page.lastSeq;
  }
}

/** Follows a socket and, whenever the server closes it, resumes from the last seq it received. */
async function followWithResume(wsBase: string, headers: Record<string, string>, first: LiveSocket) {
  const seqs: number[] = [];
  const events: DefuseEvent[] = [];
  let socket = first;
  let resumes = 0;
  let stopped = false;
  const take = (s: LiveSocket) => {
    s.ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; event?: DefuseEvent };
      if (message.type === 'event' && message.event) {
        seqs.push(message.event.seq);
        events.push(message.event);
      }
    });
  };
  take(socket);
  const loop = (async () => {
    while (!stopped) {
      await socket.closed;
      if (stopped) return;
      resumes += 1;
      socket = await openLive(wsBase, { headers, after: seqs.at(-1) ?? 0 });
      take(socket);
    }
  })();
  return {
    seqs,
    events,
    resumes: () => resumes,
    socket: () => socket,
    async stop() {
      stopped = true;
      socket.close();
      await loop.catch(() => {});
    },
  };
}

describe.each(FAULT_DATABASES)('a websocket client offline for 30 s on $name', ({ create }) => {
  it('receives all 500 events filed meanwhile on resume with after=, in order, each once', async () => {
    const database = await create();
    cleanups.push(() => database.drop());
    const server = await startServer({ ...database.env, ...ADMIN, PUBLIC_ORIGIN: ORIGIN, DEFUSE_SEED: 'none' });
    cleanups.push(() => server.stop('SIGKILL'));
    const cookie = await signInCookie(server.url, {
      email: ADMIN.DEFUSE_ADMIN_EMAIL,
      password: ADMIN.DEFUSE_ADMIN_PASSWORD,
    });
    const headers = { cookie, origin: ORIGIN };
    const wsBase = server.url.replace(/^http/, 'ws');
    // A staffed department, so that each filing is routed: bomb.filed and bomb.routed.
    const me = (await (await fetch(`${server.url}/api/me`, { headers })).json()) as { person: { id: string } };
    const department = await fetch(`${server.url}/api/departments`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Logistics', slug: 'logistics', memberIds: [me.person.id] }),
    });
    expect(department.status).toBe(201);
    const file = async (title: string): Promise<string> => {
      const res = await fetch(`${server.url}/api/bombs`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ title, category: 'shipping', severity: 'normal' }),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { bomb: { id: string } }).bomb.id;
    };

    // The phone that drops off the network, and one whose connection stalls (it stops reading).
    const dropping = await openLive(wsBase, { headers });
    const stalling = await openLive(wsBase, { headers });
    await Promise.all([dropping.waitForLive('hello'), stalling.waitForLive('hello')]);
    const before = await file('before going offline');
    const seen = await dropping.waitForLive(
      'event',
      (m) => m.event.bombId === before && m.event.type === 'bomb.routed',
    );
    await stalling.waitForLive('event', (m) => m.event.seq === seen.event.seq);
    const resumeFrom = seen.event.seq;
    const stalled = await followWithResume(wsBase, headers, stalling);

    // No close frame: the connection is simply gone, as when a phone loses its network.
    dropping.ws.terminate();
    stalling.ws.pause();
    const offlineAt = performance.now();

    // 250 filings paced over the 30 s, four at a time.
    const ids: string[] = [];
    const pace = OFFLINE_MS / FILINGS;
    await Promise.all(
      Array.from({ length: 4 }, async (_, worker) => {
        for (let i = worker; i < FILINGS; i += 4) {
          const due = offlineAt + i * pace;
          await sleep(Math.max(0, due - performance.now()));
          ids.push(await file(`filed while offline ${i}`));
        }
      }),
    );
    // Timers may fire a hair early: wait until the clock says the full 30 s have passed.
    while (performance.now() - offlineAt < OFFLINE_MS) await sleep(offlineAt + OFFLINE_MS - performance.now() + 5);
    const offlineFor = performance.now() - offlineAt;

    const resumed = await openLive(wsBase, { headers, after: resumeFrom });
    stalled.socket().ws.resume();
    const last = (await eventsAfter(server.url, cookie, resumeFrom)).at(-1)?.seq ?? 0;
    await resumed.waitForLive('event', (m) => m.event.seq === last, 30_000);
    const deadline = performance.now() + 30_000;
    while ((stalled.seqs.at(-1) ?? 0) < last && performance.now() < deadline) await sleep(20);
    await stalled.stop();
    resumed.close();

    expect(offlineFor).toBeGreaterThanOrEqual(OFFLINE_MS);
    expect(ids).toHaveLength(FILINGS);
    // Read again at the end: whatever the scheduler wrote meanwhile must arrive too, in its place.
    const stored = (await eventsAfter(server.url, cookie, resumeFrom)).map((e) => e.seq);
    const filed = new Set(ids);
    const ofFilings = (events: DefuseEvent[]) =>
      events.filter((e) => e.bombId !== null && filed.has(e.bombId)).map((e) => `${e.bombId}:${e.type}`);
    const resumedEvents = resumed.messages.flatMap((m) => (m.type === 'event' ? [m.event] : []));
    for (const [label, events, seqs] of [
      ['resumed after a drop', resumedEvents, resumed.seqs()],
      ['stalled, then reading again', stalled.events, stalled.seqs],
    ] as const) {
      const received = ofFilings([...events]);
      expect(received, label).toHaveLength(2 * FILINGS);
      expect(new Set(received).size, label).toBe(2 * FILINGS);
      expect(seqs.at(-1), label).toBeGreaterThanOrEqual(last);
      expect(seqs, label).toEqual(stored.filter((seq) => seq <= (seqs.at(-1) ?? 0)));
    }
    console.log(
      `offline ${(offlineFor / 1000).toFixed(1)} s; ${stored.length} events after seq ${resumeFrom}; ` +
        `the stalled client was cut off and resumed ${stalled.resumes()} time(s)`,
    );
  });
});
