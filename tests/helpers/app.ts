import { type BuildOptions, buildApp } from '@defuse/server/app';
import type { Database } from '@defuse/server/db/open';
import type { Deps } from '@defuse/server/deps';
import type { LiveHub, LiveOptions } from '@defuse/server/live/hub';
import { LocalSignal } from '@defuse/server/live/local-signal';
import type { OutboundPolicy } from '@defuse/server/outbound/target-guard';
import { type ServerMessage, ServerMessageSchema } from '@defuse/shared';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { type ManualClock, manualClock } from './clock.ts';
import { freshDatabase } from './db.ts';

export const TEST_ORIGIN = 'http://127.0.0.1:3000';

export const testConfig: BuildOptions['config'] = {
  publicOrigins: [TEST_ORIGIN, 'http://localhost:3000'],
  secureCookies: false,
  trustProxy: undefined,
  logLevel: 'silent',
};

export interface TestContext {
  app: FastifyInstance;
  deps: Deps;
  clock: ManualClock;
  signal: LocalSignal;
  database: Database & { url?: string };
  /** The app's live hub (fan-out, heartbeat, re-checks), to drive by hand in socket tests. */
  hub: LiveHub;
  close(): Promise<void>;
}

/** A real app over a fresh migrated database and a manual clock; every API test starts here. */
export async function createTestContext(
  options: {
    clock?: ManualClock;
    dbMax?: number;
    live?: Partial<LiveOptions>;
    /** Overrides of the test configuration (public origins, Secure cookies, a trusted proxy). */
    config?: Partial<BuildOptions['config']>;
    /** Where outbound requests may go (OUTBOUND_ALLOW_PRIVATE); absent: private targets refused. */
    outbound?: OutboundPolicy;
  } = {},
): Promise<TestContext> {
  const database = await freshDatabase(options.dbMax !== undefined ? { max: options.dbMax } : {});
  const clock = options.clock ?? manualClock();
  const signal = new LocalSignal();
  const deps: Deps = {
    db: database.db,
    dbKind: database.kind,
    clock,
    signal,
    ...(options.outbound && { outbound: options.outbound }),
  };
  const app = await buildApp(deps, {
    config: { ...testConfig, ...options.config },
    logger: false,
    ...(options.live && { live: options.live }),
  });
  await app.ready();
  return {
    app,
    deps,
    clock,
    signal,
    database,
    hub: app.liveHub,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

/** Listens on a free loopback port (never a fixed one); returns the http and ws base URLs. */
export async function listenOnPort0(app: FastifyInstance): Promise<{ http: string; ws: string }> {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { http: address, ws: address.replace(/^http/, 'ws') };
}

/** A real websocket client to /api/live that records every server message it parses. */
export interface LiveSocket {
  ws: WebSocket;
  messages: ServerMessage[];
  /** Seqs of the event messages received so far, in arrival order. */
  seqs(): number[];
  /** The first message (already received or still to come) of `type` matching `predicate`. */
  waitForLive<T extends ServerMessage['type']>(
    type: T,
    predicate?: (message: Extract<ServerMessage, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<ServerMessage, { type: T }>>;
  /** Resolves with the close code once the server (or the test) closes the socket. */
  closed: Promise<number>;
  close(): void;
}

/** Opens /api/live; rejects with "Unexpected server response: 4xx" when the upgrade is refused. */
export function openLive(
  wsBase: string,
  options: { headers?: Record<string, string>; after?: number } = {},
): Promise<LiveSocket> {
  const query = options.after === undefined ? '' : `?after=${options.after}`;
  const ws = new WebSocket(`${wsBase}/api/live${query}`, { headers: options.headers ?? {} });
  const messages: ServerMessage[] = [];
  const waiters = new Set<() => void>();
  let closeCode: number | undefined;
  const closed = new Promise<number>((resolve) =>
    ws.on('close', (code) => {
      closeCode = code;
      resolve(code);
      for (const w of waiters) w();
    }),
  );
  ws.on('message', (data) => {
    const parsed = ServerMessageSchema.safeParse(JSON.parse(data.toString()));
    if (!parsed.success) throw new Error(`unparseable server message: ${data.toString().slice(0, 200)}`);
    messages.push(parsed.data);
    for (const w of waiters) w();
  });
  const socket: LiveSocket = {
    ws,
    messages,
    closed,
    seqs: () => messages.flatMap((m) => (m.type === 'event' ? [m.event.seq] : [])),
    waitForLive(type, predicate, timeoutMs = 10_000) {
      type M = Extract<ServerMessage, { type: typeof type }>;
      const find = () => messages.find((m): m is M => m.type === type && (!predicate || predicate(m as M)));
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = find();
          if (found) {
            done();
            resolve(found);
          } else if (closeCode !== undefined) {
            done();
            reject(new Error(`socket closed (${closeCode}) before a ${type} message arrived`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${type} message within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => ws.close(),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket));
    // Kept after open too: a reset socket emits 'error', which must not crash the run.
    ws.on('error', reject);
  });
}

/** Polls a condition on state that socket events change asynchronously (server or client side). */
export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
