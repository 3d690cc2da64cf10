import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { ClientMessageSchema, LIVE_CLOSE, LIVE_PROTOCOL_VERSION, type ServerMessage } from '@defuse/shared';
import type WebSocket from 'ws';
import { resolveApiToken, resolveSession } from '../commands/sessions.ts';
import type { Deps } from '../deps.ts';
import { canSeeEvent } from '../domain/event-visibility.ts';
import { type EventWithAudience, lastEventSeq, listEventsWithAudience } from '../queries/events.ts';
import { SettledSeq } from '../queries/settled-seq.ts';
import type { Viewer } from '../viewer.ts';
import { type ConnectionLimits, type Credential, LiveSubscriber } from './connection.ts';
import { NotificationFeed } from './notification-feed.ts';

export interface LiveOptions extends ConnectionLimits {
  /** Protocol pings this often; a socket that has not answered the previous one is dropped. */
  heartbeatMs: number;
  /**
   * Sessions and tokens of open sockets are re-checked this often: expiry, and a safety net for a
   * sign-out, disabling or membership change whose signal was lost (those arrive at once).
   */
  revalidateMs: number;
  /** Reads the table this often even without a signal; 0 for never (one process needs no safety net). */
  pollMs: number;
  /** Events read per query, in replay and live alike. */
  pageSize: number;
  /** A resume further behind than this many events gets `resync`: reloading is cheaper than replaying. */
  maxReplayEvents: number;
}

export const DEFAULT_LIVE_OPTIONS: LiveOptions = {
  maxBufferedBytes: 512 * 1024,
  stuckGraceMs: 2000,
  maxQueuedBytes: 8 * 1024 * 1024,
  messagesPerSecond: 5,
  messageBurst: 20,
  heartbeatMs: 30_000,
  revalidateMs: 60_000,
  pollMs: 0,
  pageSize: 200,
  maxReplayEvents: 20_000,
};

/** Emitted before each fan-out, so operators and the benchmark can time delivery. */
export interface FanOutInfo {
  firstSeq: number;
  lastSeq: number;
  connections: number;
  startedAt: number;
}

interface Logger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const frameOf = (message: ServerMessage) => Buffer.from(JSON.stringify(message));
const PONG = frameOf({ type: 'pong' });
const RESYNC = frameOf({ type: 'resync' });

/**
 * The instance-local fan-out. On every signal it reads the event table once past its cursor and
 * hands each event to the live sockets allowed to see it; a connecting socket first replays its
 * backlog from the table and only then joins. It reads only up to the settled seq (SettledSeq):
 * below it no transaction can still commit, so a read never finds a seq below one already read
 * and cursor-based reading has no gaps, while writers never wait on each other.
 */
export class LiveHub extends EventEmitter {
  readonly options: LiveOptions;
  private cursor = 0;
  private readonly settled: SettledSeq;
  private started: Promise<void> | undefined;
  private reading = false;
  /** Readers waiting in readUpToNow: they need the cursor to move even with no socket open. */
  private catchingUp = 0;
  private readAgain = false;
  private closed = false;
  private readonly connections = new Set<LiveSubscriber>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private readonly feed: NotificationFeed;

  constructor(
    private readonly deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
    options: Partial<LiveOptions> = {},
    private readonly log: Logger = { warn() {}, error() {} },
  ) {
    super();
    this.options = { ...DEFAULT_LIVE_OPTIONS, ...options };
    this.settled = new SettledSeq(deps.db);
    this.feed = new NotificationFeed(
      deps,
      (personId) => this.connectionsOf(personId),
      (err) => this.log.error({ err }, 'live: sending notifications failed'),
    );
  }

  /** The last seq this instance has read and fanned out. */
  get lastSeq(): number {
    return this.cursor;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** This instance's open sockets of one person. */
  connectionsOf(personId: string): LiveSubscriber[] {
    return [...this.connections].filter((c) => c.viewer.id === personId);
  }

  start(): Promise<void> {
    this.started ??= (async () => {
      // Subscribe first: a commit between reading the cursor and subscribing still wakes a read.
      const { signal } = this.deps;
      const off = signal.subscribe?.((seq) => this.wake(seq));
      // Sign-out, disabling, a new role or departments, here or on another instance: re-check at once.
      const offPeople = signal.subscribePeople?.(
        (personId) => void this.revalidate(personId === null ? () => true : (conn) => conn.viewer.id === personId),
      );
      // New inbox rows (or, null, some may have been missed): look for everyone connected here.
      const offNotified = signal.subscribeNotified?.((ids) =>
        this.feed.wake(ids ?? [...this.connections].map((c) => c.viewer.id)),
      );
      for (const o of [off, offPeople, offNotified]) if (o) this.unsubscribe.push(o);
      // Start from what has settled: history is the replay's job, not the live fan-out's.
      this.cursor = await this.settled.settle();
      const every = (ms: number, fn: () => void) => {
        if (ms > 0) this.timers.push(setInterval(fn, ms).unref());
      };
      every(this.options.heartbeatMs, () => this.heartbeat());
      every(this.options.revalidateMs, () => void this.revalidate(() => true));
      every(this.options.pollMs, () => this.wake(0));
      this.wake(0);
    })();
    return this.started;
  }

  /** A commit happened (seq) or may have been missed (0): read past the cursor unless already there. */
  wake(seq: number): void {
    if (this.closed || (seq > 0 && seq <= this.cursor)) return;
    this.readAgain = true;
    // Nobody to read for: no polling while no socket is open; the next reader catches up.
    if (this.connections.size === 0 && this.catchingUp === 0) return;
    if (!this.reading && this.started) void this.drain();
  }

  /**
   * The seq up to which this instance has read, once every event committed before this call is
   * in (waiting at most `timeoutMs`). A new client's hello and GET /api/events both stop here, so
   * the instance keeps one settled cursor rather than one per reader.
   */
  async readUpToNow(timeoutMs = 1000): Promise<number> {
    await this.start();
    const target = await lastEventSeq(this.deps.db);
    const until = performance.now() + timeoutMs;
    this.catchingUp++;
    try {
      while (this.cursor < target && !this.closed && performance.now() < until) {
        this.wake(0);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    } finally {
      this.catchingUp--;
    }
    return this.cursor;
  }

  private async drain(): Promise<void> {
    this.reading = true;
    try {
      await this.started;
      while (this.readAgain && !this.closed) {
        this.readAgain = false;
        const upTo = await this.settled.poll();
        // Nobody live to send to: the cursor moves without reading; a joining socket replays from the table.
        while (this.hasLive()) {
          const rows = await listEventsWithAudience(this.deps.db, this.cursor, this.options.pageSize, upTo);
          this.fanOut(rows);
          const last = rows.at(-1);
          if (rows.length < this.options.pageSize || !last) break;
          this.cursor = last.event.seq;
        }
        // everything up to the settled seq is read; seqs missing below it were rolled back
        this.cursor = Math.max(this.cursor, upTo);
      }
      // A checkpoint still waits on a running transaction: look again shortly, signal or not.
      if (this.settled.waiting && !this.closed) setTimeout(() => this.wake(0), 10).unref();
    } catch (err) {
      this.log.error({ err }, 'live: reading events failed; retrying');
      setTimeout(() => this.wake(0), 1000).unref();
    } finally {
      this.reading = false;
    }
  }

  private hasLive(): boolean {
    for (const conn of this.connections) if (conn.live) return true;
    return false;
  }

  private fanOut(rows: EventWithAudience[]): void {
    const first = rows[0];
    const last = rows.at(-1);
    if (!first || !last) return;
    this.emit('fanout', {
      firstSeq: first.event.seq,
      lastSeq: last.event.seq,
      connections: this.connections.size,
      startedAt: performance.now(),
    } satisfies FanOutInfo);
    for (const conn of this.connections) if (conn.live) conn.checkBacklog();
    for (const row of rows) {
      const seq = row.event.seq;
      let frame: Buffer | undefined;
      for (const conn of this.connections) {
        // `sent` also guards against a replay that already read past the hub's cursor.
        if (!conn.live || conn.sent >= seq) continue;
        conn.sent = seq;
        if (!canSeeEvent(conn.viewer, row.audience)) continue;
        frame ??= frameOf({ type: 'event', event: row.event });
        conn.send(frame);
      }
    }
  }

  /**
   * Serves one upgraded socket: hello, the backlog after `after` (or resync), then live events.
   * Without `after` the client starts from now.
   */
  async accept(socket: WebSocket, viewer: Viewer, credential: Credential, after: number | undefined): Promise<void> {
    const conn = new LiveSubscriber(socket, viewer, credential, this.options);
    // Control frames count against the message budget too: a flood of pings costs as much as one of messages.
    socket.on('pong', () => this.allowFrame(conn));
    socket.on('ping', () => this.allowFrame(conn));
    socket.on('message', (data) => this.onMessage(conn, data));
    socket.on('close', () => this.connections.delete(conn));
    if (this.closed) return conn.close(LIVE_CLOSE.goingAway, 'server closing');
    this.connections.add(conn);
    try {
      // What this instance has read and fanned out: the newest seq it can promise has no gap below.
      const newest = await this.readUpToNow(500);
      await this.feed.join(conn);
      conn.send(frameOf({ type: 'hello', lastSeq: newest, protocol: LIVE_PROTOCOL_VERSION }));
      // A client may be a little ahead of this instance (it read /api/events, or another instance):
      // it keeps its place. Only a seq no event here ever had means another database.
      const fromElsewhere = after !== undefined && after > newest && after > (await lastEventSeq(this.deps.db));
      if (after === undefined) {
        conn.sent = newest;
      } else if (fromElsewhere || newest - after > this.options.maxReplayEvents) {
        // A cursor from another database, or too far behind: the client reloads, then follows from `newest`.
        conn.send(RESYNC);
        conn.sent = newest;
      } else {
        conn.sent = after;
      }
      await this.replay(conn);
    } catch (err) {
      this.log.error({ err }, 'live: serving a connection failed');
      conn.close(LIVE_CLOSE.serverError, 'try again');
    }
  }

  /** Sends the backlog page by page, then joins the live set once nothing the hub has read is left. */
  private async replay(conn: LiveSubscriber): Promise<void> {
    const { pageSize } = this.options;
    while (conn.open) {
      // Up to the hub's cursor only: it is settled, and past it the hub's own fan-out takes over.
      const upTo = this.cursor;
      const rows = await listEventsWithAudience(this.deps.db, conn.sent, pageSize, upTo);
      for (const row of rows) {
        if (canSeeEvent(conn.viewer, row.audience)) await conn.sendPaced(frameOf({ type: 'event', event: row.event }));
      }
      const last = rows.at(-1)?.event.seq;
      conn.sent = Math.max(conn.sent, rows.length < pageSize || last === undefined ? upTo : last);
      // Synchronous from here to the flag: the hub cannot fan out between the check and the switch.
      if (rows.length < pageSize && conn.sent >= this.cursor) {
        conn.live = true;
        return;
      }
    }
  }

  /** The client is alive; false (and the socket closed) once it sends faster than allowed. */
  private allowFrame(conn: LiveSubscriber): boolean {
    conn.alive = true;
    if (conn.takeMessageToken()) return true;
    conn.close(LIVE_CLOSE.policy, 'too many messages');
    return false;
  }

  private onMessage(conn: LiveSubscriber, data: WebSocket.RawData): void {
    if (!this.allowFrame(conn)) return;
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      return;
    }
    const message = ClientMessageSchema.safeParse(json);
    // Unknown messages are ignored: a newer client may speak a newer protocol.
    if (message.success && message.data.type === 'ping') conn.send(PONG);
  }

  /** One heartbeat round: drop sockets that missed the previous ping, ping the rest. */
  heartbeat(): void {
    for (const conn of this.connections) {
      if (!conn.alive) {
        conn.socket.terminate();
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
    }
  }

  /**
   * Re-checks the credentials of the matching sockets: closes those whose session or token ended
   * (sign-out, disabled, expired) and refreshes the viewer of the others (role, departments).
   */
  async revalidate(which: (conn: LiveSubscriber) => boolean): Promise<void> {
    const byToken = new Map<string, LiveSubscriber[]>();
    for (const conn of this.connections) {
      if (!which(conn)) continue;
      const key = `${conn.credential.method}:${conn.credential.token}`;
      const group = byToken.get(key);
      if (group) group.push(conn);
      else byToken.set(key, [conn]);
    }
    for (const conns of byToken.values()) {
      const credential = conns[0]?.credential;
      if (!credential) continue;
      try {
        const viewer =
          credential.method === 'bearer'
            ? await resolveApiToken(this.deps, credential.token)
            : ((await resolveSession(this.deps, credential.token))?.viewer ?? null);
        for (const conn of conns) {
          if (viewer) conn.viewer = viewer;
          else conn.close(LIVE_CLOSE.sessionEnded, 'session ended');
        }
      } catch (err) {
        this.log.warn({ err }, 'live: re-checking a session failed');
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const off of this.unsubscribe) off();
    for (const timer of this.timers) clearInterval(timer);
    for (const conn of this.connections) conn.close(LIVE_CLOSE.goingAway, 'server closing');
  }
}
