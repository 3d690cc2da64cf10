import type { DefuseEvent } from '@defuse/shared';
import { describe, expect, it } from 'vitest';
import {
  FAILURES_BEFORE_POLLING,
  initialLiveState,
  type LiveInput,
  type LiveState,
  reduceLive,
} from '../../web/src/live/live-reducer.ts';

const event = (seq: number): DefuseEvent => ({
  seq,
  type: 'bomb.commented',
  bombId: null,
  personId: null,
  actorId: null,
  at: '2026-01-01T00:00:00.000Z',
  data: {},
});

function run(inputs: LiveInput[], start: LiveState = initialLiveState()) {
  let state = start;
  const effects: ReturnType<typeof reduceLive>['effects'] = [];
  for (const input of inputs) {
    const out = reduceLive(state, input);
    state = out.state;
    effects.push(...out.effects);
  }
  return { state, effects, applied: effects.flatMap((e) => (e.type === 'apply' ? [e.event.seq] : [])) };
}

const hello = (lastSeq: number): LiveInput => ({
  type: 'message',
  message: { type: 'hello', lastSeq, protocol: 1 },
});
const ev = (seq: number): LiveInput => ({ type: 'message', message: { type: 'event', event: event(seq) } });

describe('live client reducer', () => {
  it('opens on hello, takes the server position, and refetches what loaded before it', () => {
    const { state, effects } = run([{ type: 'socket_opened' }, hello(41)]);
    expect(state).toMatchObject({ status: 'open', lastSeq: 41, failures: 0 });
    expect(effects).toEqual([{ type: 'refetch' }]);
  });

  it('applies each event once, in order, across a dropped connection and its replay', () => {
    const { state, applied } = run([
      hello(10),
      ev(11),
      ev(12),
      { type: 'socket_closed' },
      // The resumed socket (after=12) replays from 13; an overlapping 12 is dropped.
      hello(14),
      ev(12),
      ev(13),
      ev(14),
    ]);
    expect(applied).toEqual([11, 12, 13, 14]);
    expect(state.lastSeq).toBe(14);
    expect(state.status).toBe('open');
  });

  it('a resumed hello keeps the client position and does not refetch', () => {
    const { effects } = run([hello(5), ev(6), { type: 'socket_closed' }, hello(9)]);
    expect(effects.filter((e) => e.type === 'refetch')).toHaveLength(1);
  });

  it('falls back to polling after repeated failures and applies polled events without duplicates', () => {
    const closes: LiveInput[] = Array.from({ length: FAILURES_BEFORE_POLLING }, () => ({ type: 'socket_closed' }));
    const { state, applied } = run([
      hello(3),
      ev(4),
      ...closes,
      { type: 'polled', events: [event(4), event(6), event(5)], lastSeq: 8 },
    ]);
    expect(state.status).toBe('polling');
    expect(applied).toEqual([4, 5, 6]);
    expect(state.lastSeq).toBe(8);
  });

  it('a first poll without a position only takes the position and refetches', () => {
    const closes: LiveInput[] = [{ type: 'socket_closed' }, { type: 'socket_closed' }];
    const { state, effects } = run([...closes, { type: 'polled', events: [event(1), event(2)], lastSeq: 2 }]);
    expect(effects).toEqual([{ type: 'refetch' }]);
    expect(state.lastSeq).toBe(2);
  });

  it('resync drops the position, refetches and reconnects', () => {
    const { state, effects } = run([hello(3), { type: 'message', message: { type: 'resync' } }]);
    expect(state.lastSeq).toBeNull();
    expect(effects.slice(-2)).toEqual([{ type: 'refetch' }, { type: 'reconnect' }]);
  });

  it('shows offline while the browser is offline and reconnects when it returns', () => {
    const offline = run([hello(1), { type: 'browser_offline' }, { type: 'socket_closed' }]);
    expect(offline.state.status).toBe('offline');
    const back = run([{ type: 'browser_online' }], offline.state);
    expect(back.state.status).toBe('reconnecting');
    expect(back.effects).toEqual([{ type: 'reconnect' }]);
  });
});
