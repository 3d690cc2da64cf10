/**
 * The browser side of GET /api/live: a framework-free client that keeps one socket open, resumes
 * from the last seq it delivered after any drop (with backoff), skips duplicates, reports resync
 * and exposes its connection status for the UI.
 *
 * ```ts
 * const live = createLiveClient({
 *   url: `${location.origin.replace(/^http/, 'ws')}/api/live`,
 *   onEvent: (event) => queryClient.invalidateQueries(keysFor(event)),
 *   onResync: () => queryClient.invalidateQueries(),
 *   onStatus: (status) => setLiveStatus(status),
 * });
 * window.addEventListener('online', () => live.reconnectNow());
 * // later: live.close();
 * ```
 *
 * The logic is the pure `liveStep(state, input)`; `createLiveClient` only runs its effects.
 */
import type { DefuseEvent } from './events/index.ts';
import { LIVE_CLOSE, type ServerMessage, ServerMessageSchema } from './live.ts';
import type { Notification } from './notification.ts';

/** `connecting` first time; `open` once the server said hello; `reconnecting` after a drop; `closed` for good. */
export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StreamState {
  status: StreamStatus;
  /** Seq of the last event delivered (or the hello point): where the next socket resumes. */
  lastSeq: number | null;
  /** The current socket's hello.lastSeq: after a resync the stream continues from there. */
  helloSeq: number | null;
  /** Failed attempts since the last hello, for the backoff. */
  attempt: number;
}

export type StreamInput =
  | { type: 'connect' }
  | { type: 'message'; message: ServerMessage }
  | { type: 'closed'; code: number }
  | { type: 'stop' };

export type StreamEffect =
  | { type: 'open_socket'; after: number | null }
  | { type: 'close_socket' }
  | { type: 'deliver'; event: DefuseEvent }
  | { type: 'notify'; notification: Notification }
  | { type: 'resync' }
  | { type: 'status'; status: StreamStatus }
  | { type: 'schedule_reconnect'; delayMs: number }
  | { type: 'session_ended' };

export const BACKOFF = { baseMs: 500, maxMs: 30_000 };

/**
 * Exponential backoff with jitter, so that a server restart is not met by every board at once.
 * @example backoffDelay(1, () => 1) === 500; backoffDelay(4, () => 1) === 4000; backoffDelay(20, () => 0) === 15000
 */
export function backoffDelay(attempt: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF.maxMs, BACKOFF.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

export function initialStreamState(after?: number): StreamState {
  return { status: 'connecting', lastSeq: after ?? null, helloSeq: null, attempt: 0 };
}

/** One step of the client: the next state and what to do. Pure, so that every case is unit-tested. */
export function liveStep(
  state: StreamState,
  input: StreamInput,
  random: () => number = Math.random,
): { state: StreamState; effects: StreamEffect[] } {
  if (state.status === 'closed') return { state, effects: [] };
  switch (input.type) {
    case 'connect':
      return { state, effects: [{ type: 'open_socket', after: state.lastSeq }] };
    case 'stop':
      return {
        state: { ...state, status: 'closed' },
        effects: [{ type: 'close_socket' }, { type: 'status', status: 'closed' }],
      };
    case 'closed': {
      if (input.code === LIVE_CLOSE.sessionEnded) {
        return {
          state: { ...state, status: 'closed' },
          effects: [{ type: 'status', status: 'closed' }, { type: 'session_ended' }],
        };
      }
      const attempt = state.attempt + 1;
      const status: StreamStatus = state.status === 'connecting' ? 'connecting' : 'reconnecting';
      return {
        state: { ...state, status, attempt, helloSeq: null },
        effects: [
          ...(status !== state.status ? [{ type: 'status' as const, status }] : []),
          { type: 'schedule_reconnect', delayMs: backoffDelay(attempt, random) },
        ],
      };
    }
    case 'message':
      return onMessage(state, input.message);
  }
}

function onMessage(state: StreamState, message: ServerMessage): { state: StreamState; effects: StreamEffect[] } {
  switch (message.type) {
    case 'hello': {
      const next: StreamState = {
        status: 'open',
        lastSeq: state.lastSeq ?? message.lastSeq,
        helloSeq: message.lastSeq,
        attempt: 0,
      };
      return { state: next, effects: state.status === 'open' ? [] : [{ type: 'status', status: 'open' }] };
    }
    case 'resync':
      // The server could not replay from our point; it streams from hello on, and we reload.
      return { state: { ...state, lastSeq: state.helloSeq ?? state.lastSeq }, effects: [{ type: 'resync' }] };
    case 'event': {
      const seq = message.event.seq;
      if (state.lastSeq !== null && seq <= state.lastSeq) return { state, effects: [] };
      return { state: { ...state, lastSeq: seq }, effects: [{ type: 'deliver', event: message.event }] };
    }
    case 'notification':
      // Not part of the seq stream: the inbox dedupes by id.
      return { state, effects: [{ type: 'notify', notification: message.notification }] };
    case 'pong':
      return { state, effects: [] };
  }
}

/** Parses one frame; anything unknown (a newer server, a broken frame) is ignored rather than thrown. */
export function parseServerMessage(data: unknown): ServerMessage | null {
  if (typeof data !== 'string') return null;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = ServerMessageSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** The part of the browser's WebSocket the client uses; the `ws` package's class fits as well. */
export interface LiveWebSocket {
  send(data: string): void;
  close(code?: number): void;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onerror: (() => void) | null;
}
export type LiveWebSocketConstructor = new (url: string) => LiveWebSocket;

export interface LiveClientOptions {
  /** The websocket URL of /api/live (ws:// or wss://); `after` is added to it. */
  url: string;
  /** Resume point from an earlier page load; without it the stream starts from now. */
  after?: number;
  /** Each event once, in seq order. */
  onEvent(event: DefuseEvent): void;
  /** The server could not replay the gap: reload what the page shows. */
  onResync?(): void;
  /** A new item in the signed-in person's inbox. */
  onNotification?(notification: Notification): void;
  onStatus?(status: StreamStatus): void;
  /** The session ended (signed out, disabled, expired): the client stops; send the person to sign in. */
  onSessionEnded?(): void;
  /** A ping every this often; a socket silent for two of them is presumed dead and replaced. */
  pingIntervalMs?: number;
  WebSocket?: LiveWebSocketConstructor;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  random?: () => number;
}

export interface LiveClient {
  readonly status: StreamStatus;
  readonly lastSeq: number | null;
  /** Skips the backoff wait (call on the browser's `online` event). */
  reconnectNow(): void;
  close(): void;
}

/** Browser and Node globals, typed here because `shared` compiles without DOM or Node types. */
const host = globalThis as unknown as {
  WebSocket?: LiveWebSocketConstructor;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

/** `url` with `after` set, keeping any query it already has. */
export function liveUrl(url: string, after: number | null): string {
  if (after === null) return url;
  const [base = '', query = ''] = url.split('?', 2);
  const params = query.split('&').filter((p) => p !== '' && !p.startsWith('after='));
  return `${base}?${[...params, `after=${after}`].join('&')}`;
}

export function createLiveClient(options: LiveClientOptions): LiveClient {
  const Socket = options.WebSocket ?? host.WebSocket ?? missingWebSocket();
  const later = options.setTimeout ?? ((fn: () => void, ms: number) => host.setTimeout(fn, ms));
  const cancel = options.clearTimeout ?? ((h: unknown) => host.clearTimeout(h));
  const random = options.random ?? Math.random;
  const pingMs = options.pingIntervalMs ?? 25_000;

  let state = initialStreamState(options.after);
  let socket: LiveWebSocket | null = null;
  let reconnectTimer: unknown = null;
  let pingTimer: unknown = null;
  let heardSincePing = true;

  const dispatch = (input: StreamInput) => {
    const step = liveStep(state, input, random);
    state = step.state;
    for (const effect of step.effects) run(effect);
  };

  const stopPing = () => {
    if (pingTimer !== null) cancel(pingTimer);
    pingTimer = null;
  };
  const schedulePing = () => {
    pingTimer = later(() => {
      if (!socket) return;
      if (!heardSincePing) {
        // Nothing, not even a pong, for a whole interval: the connection is dead without a close.
        drop(socket);
        return;
      }
      heardSincePing = false;
      socket.send(JSON.stringify({ type: 'ping' }));
      schedulePing();
    }, pingMs);
  };

  /** Forgets a socket and reports it closed, so stale handlers of an old socket change nothing. */
  const drop = (s: LiveWebSocket, code = 1006) => {
    if (socket !== s) return;
    socket = null;
    stopPing();
    detach(s);
    s.close();
    dispatch({ type: 'closed', code });
  };

  const open = (after: number | null) => {
    let s: LiveWebSocket;
    try {
      s = new Socket(liveUrl(options.url, after));
    } catch {
      // A refused URL (e.g. a mixed-content block) counts as a failed attempt, retried with backoff.
      later(() => dispatch({ type: 'closed', code: 1006 }), 0);
      return;
    }
    socket = s;
    heardSincePing = true;
    s.onopen = () => schedulePing();
    s.onmessage = (event) => {
      if (socket !== s) return;
      heardSincePing = true;
      const message = parseServerMessage(event.data);
      if (message) dispatch({ type: 'message', message });
    };
    s.onclose = (event) => drop(s, event.code);
    s.onerror = () => {};
  };

  function run(effect: StreamEffect) {
    switch (effect.type) {
      case 'open_socket':
        return open(effect.after);
      case 'close_socket': {
        if (reconnectTimer !== null) cancel(reconnectTimer);
        reconnectTimer = null;
        const s = socket;
        socket = null;
        stopPing();
        if (s) {
          detach(s);
          s.close(1000);
        }
        return;
      }
      case 'deliver':
        return options.onEvent(effect.event);
      case 'notify':
        return options.onNotification?.(effect.notification);
      case 'resync':
        return options.onResync?.();
      case 'status':
        return options.onStatus?.(effect.status);
      case 'session_ended':
        return options.onSessionEnded?.();
      case 'schedule_reconnect':
        reconnectTimer = later(() => {
          reconnectTimer = null;
          dispatch({ type: 'connect' });
        }, effect.delayMs);
        return;
    }
  }

  dispatch({ type: 'connect' });
  return {
    get status() {
      return state.status;
    },
    get lastSeq() {
      return state.lastSeq;
    },
    reconnectNow() {
      if (reconnectTimer === null || state.status === 'closed') return;
      cancel(reconnectTimer);
      reconnectTimer = null;
      dispatch({ type: 'connect' });
    },
    close() {
      dispatch({ type: 'stop' });
    },
  };
}

/** Stale handlers of a replaced socket must change nothing; its late error is swallowed, not thrown. */
function detach(s: LiveWebSocket) {
  s.onopen = s.onmessage = s.onclose = null;
  s.onerror = () => {};
}

function missingWebSocket(): never {
  throw new Error('No WebSocket in this environment: pass options.WebSocket');
}
