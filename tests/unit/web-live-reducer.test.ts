import type { DefuseEvent } from '@defuse/shared';
import { describe, expect, it } from 'vitest';
import {
  type BoardLiveEffect,
  type BoardLiveInput,
  type BoardLiveState,
  initialLiveState,
  liveStatusOf,
  reduceLive,
} from '../../web/src/live/live-reducer.ts';

const event = (seq: number): DefuseEvent => ({
  seq,
  type: 'person.isolation_changed',
  bombId: null,
  personId: '00000000-0000-4000-8000-000000000001',
  actorId: null,
  at: '2026-03-02T09:00:00.000Z',
  data: { state: 'watch', previousState: 'ok', score: 40, reasons: [] },
});

function run(inputs: BoardLiveInput[], start: BoardLiveState = initialLiveState()) {
  let state = start;
  const effects: BoardLiveEffect[] = [];
  for (const input of inputs) {
    const out = reduceLive(state, input);
    state = out.state;
    effects.push(...out.effects);
  }
  return { state, effects, applied: effects.flatMap((e) => (e.type === 'apply' ? [e.event.seq] : [])) };
}

const status = (s: 'connecting' | 'open' | 'reconnecting' | 'closed'): BoardLiveInput => ({
  type: 'socket_status',
  status: s,
});
const ev = (seq: number): BoardLiveInput => ({ type: 'event', event: event(seq) });

describe('live connection state on top of the shared client', () => {
  it('shows connecting, then live; the first open refetches what loaded before it, later ones do not', () => {
    expect(liveStatusOf(initialLiveState())).toBe('connecting');
    const first = run([status('open')]);
    expect(liveStatusOf(first.state)).toBe('open');
    expect(first.effects).toEqual([{ type: 'refetch' }]);
    const again = run([status('reconnecting'), status('open')], first.state);
    expect(again.effects).toEqual([]);
    expect(liveStatusOf(run([status('reconnecting')], first.state).state)).toBe('reconnecting');
  });

  it('polls only after the grace period and while the socket is away; the socket coming back stops it', () => {
    const down = run([status('open'), status('reconnecting')]);
    expect(liveStatusOf(down.state)).toBe('reconnecting');
    const polling = run([{ type: 'poll_due' }], down.state);
    expect(liveStatusOf(polling.state)).toBe('polling');
    expect(run([status('open')], polling.state).state.polling).toBe(false);
    expect(run([status('open'), { type: 'poll_due' }]).state.polling).toBe(false);
  });

  it('applies each event once whether it came by polling or by the resumed socket', () => {
    const { applied, state } = run([
      status('open'),
      ev(10),
      status('reconnecting'),
      { type: 'poll_due' },
      { type: 'polled', events: [event(12), event(11)], lastSeq: 14 },
      status('open'),
      // The socket resumes from the shared client's own point (10) and replays.
      ev(11),
      ev(12),
      ev(15),
    ]);
    expect(applied).toEqual([10, 11, 12, 15]);
    expect(state.appliedSeq).toBe(15);
  });

  it('a first poll without a known position takes the position and refetches instead of applying', () => {
    const { effects, state } = run([
      { type: 'poll_due' },
      { type: 'polled', events: [event(1), event(2)], lastSeq: 2 },
    ]);
    expect(effects).toEqual([{ type: 'refetch' }]);
    expect(state.appliedSeq).toBe(2);
  });

  it('a late poll answer after the socket is back changes nothing', () => {
    const { applied } = run([status('open'), ev(3), { type: 'polled', events: [event(4)], lastSeq: 4 }]);
    expect(applied).toEqual([3]);
  });

  it('resync refetches; offline shows offline and coming back asks for a reconnect now', () => {
    expect(run([{ type: 'resync' }]).effects).toEqual([{ type: 'refetch' }]);
    const offline = run([status('open'), { type: 'browser_offline' }, status('reconnecting'), { type: 'poll_due' }]);
    expect(liveStatusOf(offline.state)).toBe('offline');
    expect(offline.state.polling).toBe(false);
    const back = run([{ type: 'browser_online' }], offline.state);
    expect(back.effects).toEqual([{ type: 'reconnect' }]);
    expect(liveStatusOf(back.state)).toBe('reconnecting');
  });
});
