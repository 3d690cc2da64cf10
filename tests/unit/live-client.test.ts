import {
  BACKOFF,
  backoffDelay,
  createLiveClient,
  type DefuseEvent,
  initialStreamState,
  LIVE_CLOSE,
  type LiveWebSocket,
  liveStep,
  liveUrl,
  parseServerMessage,
  type ServerMessage,
  type StreamState,
  type StreamStatus,
} from '@defuse/shared';
import { describe, expect, it } from 'vitest';

const event = (seq: number): DefuseEvent => ({
  seq,
  type: 'person.isolation_changed',
  bombId: null,
  personId: '00000000-0000-4000-8000-000000000001',
  actorId: null,
  at: '2026-03-02T09:00:00.000Z',
  data: { state: 'watch', previousState: 'ok', score: 40, reasons: [] },
});
const msg = (message: ServerMessage) => ({ type: 'message' as const, message });
const hello = (lastSeq: number) => msg({ type: 'hello', lastSeq, protocol: 1 });
const open = (lastSeq: number | null): StreamState => ({ status: 'open', lastSeq, helloSeq: lastSeq, attempt: 0 });

describe('liveStep', () => {
  it('opens the first socket without a resume point, or with the one it was given', () => {
    expect(liveStep(initialStreamState(), { type: 'connect' }).effects).toEqual([{ type: 'open_socket', after: null }]);
    expect(liveStep(initialStreamState(42), { type: 'connect' }).effects).toEqual([{ type: 'open_socket', after: 42 }]);
  });

  it('becomes open on hello and takes its seq when it had none', () => {
    const step = liveStep(initialStreamState(), hello(17));
    expect(step.state).toEqual({ status: 'open', lastSeq: 17, helloSeq: 17, attempt: 0 });
    expect(step.effects).toEqual([{ type: 'status', status: 'open' }]);
    expect(liveStep(initialStreamState(5), hello(17)).state.lastSeq).toBe(5);
  });

  it('delivers events in order once and drops repeats and older seqs', () => {
    let state = open(10);
    const delivered: number[] = [];
    for (const seq of [11, 12, 12, 9, 13]) {
      const step = liveStep(state, msg({ type: 'event', event: event(seq) }));
      state = step.state;
      for (const e of step.effects) if (e.type === 'deliver') delivered.push(e.event.seq);
    }
    expect(delivered).toEqual([11, 12, 13]);
    expect(state.lastSeq).toBe(13);
  });

  it('on resync asks for a reload and follows from the hello point', () => {
    const greeted = liveStep(initialStreamState(3), hello(500)).state;
    const step = liveStep(greeted, msg({ type: 'resync' }));
    expect(step.effects).toEqual([{ type: 'resync' }]);
    expect(step.state.lastSeq).toBe(500);
  });

  it('reconnects after a drop with growing backoff, resuming from the last seq', () => {
    let state = open(20);
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const step = liveStep(state, { type: 'closed', code: 1006 }, () => 1);
      state = step.state;
      for (const e of step.effects) if (e.type === 'schedule_reconnect') delays.push(e.delayMs);
      expect(liveStep(state, { type: 'connect' }).effects).toEqual([{ type: 'open_socket', after: 20 }]);
    }
    expect(state.status).toBe('reconnecting');
    expect(delays).toEqual([500, 1000, 2000]);
    const back = liveStep(state, hello(25));
    expect(back.state).toMatchObject({ status: 'open', lastSeq: 20, attempt: 0 });
  });

  it('reports reconnecting only once per drop, and stays connecting before the first hello', () => {
    const first = liveStep(open(1), { type: 'closed', code: 1006 });
    expect(first.effects.filter((e) => e.type === 'status')).toEqual([{ type: 'status', status: 'reconnecting' }]);
    const second = liveStep(first.state, { type: 'closed', code: 1006 });
    expect(second.effects.filter((e) => e.type === 'status')).toEqual([]);
    expect(liveStep(initialStreamState(), { type: 'closed', code: 1006 }).state.status).toBe('connecting');
  });

  it('stops for good when the session ended or when stopped', () => {
    const ended = liveStep(open(1), { type: 'closed', code: LIVE_CLOSE.sessionEnded });
    expect(ended.state.status).toBe('closed');
    expect(ended.effects).toContainEqual({ type: 'session_ended' });
    expect(liveStep(ended.state, { type: 'connect' }).effects).toEqual([]);
    const stopped = liveStep(open(1), { type: 'stop' });
    expect(stopped.effects).toEqual([{ type: 'close_socket' }, { type: 'status', status: 'closed' }]);
    expect(liveStep(stopped.state, { type: 'closed', code: 1006 }).effects).toEqual([]);
  });
});

describe('backoffDelay', () => {
  it('doubles up to a ceiling, with jitter between half and all of it', () => {
    expect(backoffDelay(1, () => 1)).toBe(BACKOFF.baseMs);
    expect(backoffDelay(4, () => 1)).toBe(BACKOFF.baseMs * 8);
    expect(backoffDelay(50, () => 1)).toBe(BACKOFF.maxMs);
    expect(backoffDelay(50, () => 0)).toBe(BACKOFF.maxMs / 2);
  });
});

describe('parseServerMessage and liveUrl', () => {
  it('parses known messages and ignores unknown or broken ones', () => {
    expect(parseServerMessage('{"type":"hello","lastSeq":3,"protocol":1}')).toEqual({
      type: 'hello',
      lastSeq: 3,
      protocol: 1,
    });
    expect(parseServerMessage('{"type":"presence","who":[]}')).toBeNull();
    expect(parseServerMessage('{not json')).toBeNull();
    expect(parseServerMessage(new Uint8Array([1]))).toBeNull();
  });

  it('sets after, replacing an earlier one and keeping other parameters', () => {
    expect(liveUrl('ws://h/api/live', null)).toBe('ws://h/api/live');
    expect(liveUrl('ws://h/api/live', 7)).toBe('ws://h/api/live?after=7');
    expect(liveUrl('ws://h/api/live?x=1&after=3', 9)).toBe('ws://h/api/live?x=1&after=9');
  });
});

/** A socket the test drives by hand, and timers it fires by hand. */
function harness(after?: number) {
  const sockets: (LiveWebSocket & { url: string; sent: string[]; closedWith: number | undefined })[] = [];
  class FakeSocket implements LiveWebSocket {
    onopen: (() => void) | null = null;
    onmessage: ((event: { data: unknown }) => void) | null = null;
    onclose: ((event: { code: number }) => void) | null = null;
    onerror: (() => void) | null = null;
    sent: string[] = [];
    closedWith: number | undefined;
    constructor(readonly url: string) {
      sockets.push(this);
    }
    send(data: string) {
      this.sent.push(data);
    }
    close(code?: number) {
      this.closedWith = code ?? 1005;
    }
  }
  const timers: { fn: () => void; ms: number }[] = [];
  const statuses: StreamStatus[] = [];
  const events: number[] = [];
  let resyncs = 0;
  let ended = 0;
  const client = createLiveClient({
    url: 'ws://host/api/live',
    ...(after !== undefined && { after }),
    onEvent: (e) => events.push(e.seq),
    onResync: () => resyncs++,
    onStatus: (s) => statuses.push(s),
    onSessionEnded: () => ended++,
    pingIntervalMs: 1000,
    WebSocket: FakeSocket,
    setTimeout: (fn, ms) => {
      const t = { fn, ms };
      timers.push(t);
      return t;
    },
    clearTimeout: (t) => {
      const i = timers.indexOf(t as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
    random: () => 1,
  });
  const current = () => {
    const s = sockets.at(-1);
    if (!s) throw new Error('no socket');
    return s;
  };
  const send = (m: ServerMessage) => current().onmessage?.({ data: JSON.stringify(m) });
  const fire = (ms: number) => {
    const t = timers.find((x) => x.ms === ms);
    if (!t) throw new Error(`no ${ms} ms timer`);
    timers.splice(timers.indexOf(t), 1);
    t.fn();
  };
  return { client, sockets, current, send, fire, timers, statuses, events, resyncs: () => resyncs, ended: () => ended };
}

describe('createLiveClient', () => {
  it('resumes from the last delivered seq after a drop and delivers each event once', () => {
    const h = harness(10);
    expect(h.current().url).toBe('ws://host/api/live?after=10');
    h.current().onopen?.();
    h.send({ type: 'hello', lastSeq: 12, protocol: 1 });
    h.send({ type: 'event', event: event(11) });
    h.send({ type: 'event', event: event(12) });
    h.current().onclose?.({ code: 1006 });
    expect(h.client.status).toBe('reconnecting');
    h.fire(500);
    expect(h.current().url).toBe('ws://host/api/live?after=12');
    h.current().onopen?.();
    h.send({ type: 'hello', lastSeq: 13, protocol: 1 });
    h.send({ type: 'event', event: event(12) });
    h.send({ type: 'event', event: event(13) });
    expect(h.events).toEqual([11, 12, 13]);
    expect(h.statuses).toEqual(['open', 'reconnecting', 'open']);
    expect(h.client.lastSeq).toBe(13);
  });

  it('calls onResync and continues from the hello point', () => {
    const h = harness(1);
    h.send({ type: 'hello', lastSeq: 900, protocol: 1 });
    h.send({ type: 'resync' });
    h.send({ type: 'event', event: event(901) });
    expect(h.resyncs()).toBe(1);
    expect(h.events).toEqual([901]);
  });

  it('pings, and replaces a socket that stays silent for a whole interval', () => {
    const h = harness();
    h.current().onopen?.();
    h.send({ type: 'hello', lastSeq: 0, protocol: 1 });
    h.fire(1000);
    expect(h.current().sent).toEqual(['{"type":"ping"}']);
    h.fire(1000);
    expect(h.sockets[0]?.closedWith).toBeDefined();
    expect(h.client.status).toBe('reconnecting');
    h.client.reconnectNow();
    expect(h.sockets).toHaveLength(2);
  });

  it('ignores a replaced socket’s late messages and stops on session end or close', () => {
    const h = harness();
    const first = h.current();
    h.send({ type: 'hello', lastSeq: 5, protocol: 1 });
    first.onclose?.({ code: 1006 });
    first.onmessage?.({ data: JSON.stringify({ type: 'event', event: event(6) }) });
    expect(h.events).toEqual([]);
    h.fire(500);
    h.current().onclose?.({ code: LIVE_CLOSE.sessionEnded });
    expect(h.client.status).toBe('closed');
    expect(h.ended()).toBe(1);
    expect(h.timers.filter((t) => t.ms === 500 || t.ms === 1000)).toEqual([]);
    const other = harness();
    other.client.close();
    expect(other.current().closedWith).toBe(1000);
    expect(other.statuses).toEqual(['closed']);
  });
});

describe('createLiveClient when the socket cannot be made', () => {
  it('counts a throwing constructor as a failed attempt and retries with backoff', () => {
    const timers: { fn: () => void; ms: number }[] = [];
    let attempts = 0;
    const statuses: StreamStatus[] = [];
    const client = createLiveClient({
      url: 'ws://host/api/live',
      onEvent: () => {},
      onStatus: (s) => statuses.push(s),
      WebSocket: class {
        constructor() {
          attempts++;
          throw new Error('SecurityError');
        }
      } as unknown as new (
        url: string,
      ) => LiveWebSocket,
      setTimeout: (fn, ms) => timers.push({ fn, ms }),
      clearTimeout: () => {},
      random: () => 1,
    });
    timers.shift()?.fn();
    expect(timers.map((t) => t.ms)).toEqual([500]);
    timers.shift()?.fn();
    timers.shift()?.fn();
    expect(attempts).toBe(2);
    expect(timers.map((t) => t.ms)).toEqual([1000]);
    expect(client.status).toBe('connecting');
    client.close();
  });
});
