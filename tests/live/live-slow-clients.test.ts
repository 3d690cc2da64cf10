import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, listenOnPort0, openLive, type TestContext, until } from '../helpers/app.ts';
import { createWorkspace, fileBomb } from '../helpers/factories.ts';

let ctx: TestContext;
let ws: string;
let w: Awaited<ReturnType<typeof createWorkspace>>;

// A small send buffer so that a stuck client overflows it after a few megabytes of kernel buffers.
const MAX_BUFFERED = 64 * 1024;

beforeAll(async () => {
  ctx = await createTestContext({ live: { maxBufferedBytes: MAX_BUFFERED, heartbeatMs: 0 } });
  ({ ws } = await listenOnPort0(ctx.app));
  w = await createWorkspace(ctx);
});
afterAll(() => ctx.close());

describe('slow and dead clients', () => {
  it('cuts off a client that stops reading while another keeps receiving everything', async () => {
    const stuck = await openLive(ws, { headers: w.pm.headers });
    const reader = await openLive(ws, { headers: w.admin.headers });
    await stuck.waitForLive('hello');
    const hello = await reader.waitForLive('hello');
    // Stops reading from the TCP socket: the kernel buffers fill, then the server's queue grows.
    stuck.ws.pause();
    // Japanese text is three bytes a character in UTF-8: the largest event a filing can write.
    const description = 'あ'.repeat(10_000);
    let filed = 0;
    // The paused client cannot read the close either, so ask the server whether it let go.
    const cutOff = () => ctx.hub.connectionsOf(w.pm.id).length === 0;
    while (!cutOff() && filed < 2_000) {
      await Promise.all(Array.from({ length: 10 }, () => fileBomb(ctx, w.field, { description })));
      filed += 10;
    }
    expect(cutOff()).toBe(true);
    expect(ctx.hub.connectionCount).toBe(1);
    stuck.ws.terminate();
    const last = await fileBomb(ctx, w.field);
    await reader.waitForLive('event', (m) => m.event.bombId === last.id && m.event.type === 'bomb.routed');
    const seqs = reader.seqs();
    // Every event since hello, in order, none missing: two per filing.
    expect(seqs).toHaveLength((filed + 1) * 2);
    expect(seqs).toEqual(seqs.map((_, i) => hello.lastSeq + 1 + i));
    reader.close();
  }, 90_000);

  it('drops a connection that does not answer heartbeats and keeps one that does', async () => {
    const dead = await openLive(ws, { headers: w.member.headers });
    const healthy = await openLive(ws, { headers: w.lead.headers });
    await dead.waitForLive('hello');
    await healthy.waitForLive('hello');
    dead.ws.pause();
    const ponged = new Promise<void>((resolve) => healthy.ws.once('ping', () => setImmediate(resolve)));
    ctx.hub.heartbeat();
    await ponged;
    // The healthy client's pong has to reach the server before the next round.
    await until(() => ctx.hub.connectionsOf(w.lead.id).every((c) => c.alive));
    ctx.hub.heartbeat();
    await until(() => ctx.hub.connectionsOf(w.member.id).length === 0);
    expect(ctx.hub.connectionsOf(w.lead.id)).toHaveLength(1);
    dead.ws.terminate();
    healthy.ws.send(JSON.stringify({ type: 'ping' }));
    await healthy.waitForLive('pong');
    healthy.close();
  });
});
