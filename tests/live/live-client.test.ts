import { createLiveClient, type LiveWebSocketConstructor, type StreamStatus } from '@defuse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestContext, listenOnPort0, type TestContext, until } from '../helpers/app.ts';
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

/** The `ws` class with a signed-in browser's headers, standing in for the browser's WebSocket. */
function socketWith(headers: Record<string, string>): LiveWebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string) {
      super(url, { headers });
    }
  } as unknown as LiveWebSocketConstructor;
}

describe('the shared live client against the server', () => {
  it('reconnects after the server drops it and delivers every event once, in order', async () => {
    const seqs: number[] = [];
    const statuses: StreamStatus[] = [];
    const client = createLiveClient({
      url: `${ws}/api/live`,
      onEvent: (e) => seqs.push(e.seq),
      onStatus: (s) => statuses.push(s),
      WebSocket: socketWith({ cookie: w.pm.headers.cookie, origin: w.pm.headers.origin }),
      random: () => 0,
    });
    await until(() => client.status === 'open');
    const start = client.lastSeq ?? 0;
    for (let round = 0; round < 3; round++) {
      await until(() => client.status === 'open' && ctx.hub.connectionsOf(w.pm.id).length === 1);
      await Promise.all(Array.from({ length: 10 }, () => fileBomb(ctx, w.field)));
      for (const conn of ctx.hub.connectionsOf(w.pm.id)) conn.socket.terminate();
      await Promise.all(Array.from({ length: 10 }, () => fileBomb(ctx, w.field)));
    }
    await until(() => seqs.length === 120);
    expect(seqs).toEqual(Array.from({ length: 120 }, (_, i) => start + 1 + i));
    expect(statuses.filter((s) => s === 'reconnecting')).toHaveLength(3);
    expect(client.status).toBe('open');
    client.close();
  });

  it('stops and reports when the session is signed out', async () => {
    let ended = false;
    const client = createLiveClient({
      url: `${ws}/api/live`,
      onEvent: () => {},
      onSessionEnded: () => {
        ended = true;
      },
      WebSocket: socketWith({ cookie: w.otherField.headers.cookie, origin: w.otherField.headers.origin }),
    });
    await until(() => client.status === 'open');
    const res = await ctx.app.inject({ method: 'DELETE', url: '/api/session', headers: w.otherField.headers });
    expect(res.statusCode).toBe(204);
    await until(() => ended);
    expect(client.status).toBe('closed');
  });
});
