import { events } from '@defuse/drizzle';
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf } from '../helpers/actions.ts';
import { createTestContext, listenOnPort0, openLive, type TestContext } from '../helpers/app.ts';
import { createWorkspace, fileBomb } from '../helpers/factories.ts';

let ctx: TestContext;
let ws: string;
let w: Awaited<ReturnType<typeof createWorkspace>>;

beforeAll(async () => {
  ctx = await createTestContext();
  ({ ws } = await listenOnPort0(ctx.app));
  w = await createWorkspace(ctx);
});
afterAll(() => ctx.close());

async function allSeqs(): Promise<number[]> {
  const rows = await ctx.deps.db.select({ seq: events.seq }).from(events).orderBy(asc(events.seq));
  return rows.map((r) => r.seq);
}

describe('GET /api/live', () => {
  it('says hello with the newest seq, then streams events as they are filed', async () => {
    await fileBomb(ctx, w.field);
    const before = (await allSeqs()).at(-1) ?? 0;
    const live = await openLive(ws, { headers: w.pm.headers });
    const hello = await live.waitForLive('hello');
    expect(hello).toEqual({ type: 'hello', lastSeq: before, protocol: 1 });
    const bomb = await fileBomb(ctx, w.field, { title: 'Live one' });
    const filed = await live.waitForLive('event', (m) => m.event.type === 'bomb.filed');
    expect(filed.event.bombId).toBe(bomb.id);
    expect(dataOf(filed.event, 'bomb.filed').bomb.title).toBe('Live one');
    await live.waitForLive('event', (m) => m.event.type === 'bomb.routed' && m.event.bombId === bomb.id);
    expect(live.seqs().every((s) => s > before)).toBe(true);
    live.close();
  });

  it('replays exactly the events after `after`, in order, then continues live', async () => {
    await fileBomb(ctx, w.field);
    await fileBomb(ctx, w.field);
    const seqs = await allSeqs();
    const after = seqs[seqs.length - 3] ?? 0;
    const live = await openLive(ws, { headers: w.pm.headers, after });
    const expected = seqs.filter((s) => s > after);
    const lastExpected = expected.at(-1) ?? 0;
    await live.waitForLive('event', (m) => m.event.seq === lastExpected);
    expect(live.seqs()).toEqual(expected);
    const next = await fileBomb(ctx, w.field);
    await live.waitForLive('event', (m) => m.event.bombId === next.id && m.event.type === 'bomb.routed');
    expect(live.seqs()).toEqual(await allSeqs().then((all) => all.filter((s) => s > after)));
    live.close();
  });

  it('a reconnect during 500 events receives all 500, in order, once', async () => {
    const start = (await allSeqs()).at(-1) ?? 0;
    const first = await openLive(ws, { headers: w.pm.headers, after: start });
    const received: number[] = [];
    let reconnected: Awaited<ReturnType<typeof openLive>> | undefined;
    // 250 filings write 500 events (filed + routed); the client drops off part-way through.
    const filing = (async () => {
      for (let i = 0; i < 250; i += 5) {
        await Promise.all(Array.from({ length: 5 }, () => fileBomb(ctx, w.field)));
        if (i === 100) {
          first.ws.terminate();
          await first.closed;
          received.push(...first.seqs());
          reconnected = await openLive(ws, { headers: w.pm.headers, after: received.at(-1) ?? start });
        }
      }
    })();
    await filing;
    const expected = (await allSeqs()).filter((s) => s > start);
    expect(expected).toHaveLength(500);
    if (!reconnected) throw new Error('never reconnected');
    const second = reconnected;
    await second.waitForLive('event', (m) => m.event.seq === expected.at(-1));
    received.push(...second.seqs());
    expect(received.length).toBeGreaterThan(0);
    expect(first.seqs().length).toBeGreaterThan(0);
    expect(received).toEqual(expected);
    second.close();
  }, 90_000);

  it('delivers concurrent filings in strictly increasing seq with no gaps', async () => {
    const start = (await allSeqs()).at(-1) ?? 0;
    const live = await openLive(ws, { headers: w.admin.headers, after: start });
    await live.waitForLive('hello');
    await Promise.all(Array.from({ length: 40 }, () => fileBomb(ctx, w.field)));
    const expected = (await allSeqs()).filter((s) => s > start);
    await live.waitForLive('event', (m) => m.event.seq === expected.at(-1));
    expect(live.seqs()).toEqual(expected);
    live.close();
  });

  it('answers resync for a cursor from another database, then follows from hello', async () => {
    const newest = (await allSeqs()).at(-1) ?? 0;
    const ahead = await openLive(ws, { headers: w.pm.headers, after: newest + 1000 });
    await ahead.waitForLive('resync');
    expect(ahead.messages.slice(0, 2)).toEqual([{ type: 'hello', lastSeq: newest, protocol: 1 }, { type: 'resync' }]);
    const bomb = await fileBomb(ctx, w.field);
    await ahead.waitForLive('event', (m) => m.event.bombId === bomb.id);
    expect(ahead.seqs().every((s) => s > newest)).toBe(true);
    ahead.close();
  });

  it('answers resync rather than replaying past its window', async () => {
    const small = await createTestContext({ live: { maxReplayEvents: 6 } });
    try {
      const { ws: smallWs } = await listenOnPort0(small.app);
      const sw = await createWorkspace(small);
      for (let i = 0; i < 4; i++) await fileBomb(small, sw.field);
      // 8 events: after=1 is 7 behind (beyond the window of 6), after=2 is 6 behind (within it).
      const tooOld = await openLive(smallWs, { headers: sw.pm.headers, after: 1 });
      await tooOld.waitForLive('resync');
      const within = await openLive(smallWs, { headers: sw.pm.headers, after: 2 });
      await within.waitForLive('event', (m) => m.event.seq === 8);
      expect(within.seqs()).toEqual([3, 4, 5, 6, 7, 8]);
      expect(within.messages.some((m) => m.type === 'resync')).toBe(false);
      const bomb = await fileBomb(small, sw.field);
      await tooOld.waitForLive('event', (m) => m.event.bombId === bomb.id);
      expect(tooOld.seqs()).toEqual([9, 10]);
      tooOld.close();
      within.close();
    } finally {
      await small.close();
    }
  });

  it('answers a client ping with pong', async () => {
    const live = await openLive(ws, { headers: w.member.headers });
    await live.waitForLive('hello');
    live.ws.send(JSON.stringify({ type: 'ping' }));
    await live.waitForLive('pong');
    live.close();
  });
});
