import type { DefuseEvent, ServerMessage } from '@defuse/shared';

/**
 * The live client's state machine, free of sockets and timers so it can be tested with literal
 * inputs. The connection feeds it what happened; it answers with the new state and what to do.
 */
export type LiveStatus = 'connecting' | 'open' | 'reconnecting' | 'polling' | 'offline';

export interface LiveState {
  status: LiveStatus;
  /** The last event seq applied or skipped past; null until the server told us where "now" is. */
  lastSeq: number | null;
  /** Consecutive failed socket attempts: after FAILURES_BEFORE_POLLING we also poll /api/events. */
  failures: number;
  browserOnline: boolean;
}

export type LiveInput =
  | { type: 'socket_opened' }
  | { type: 'message'; message: ServerMessage }
  | { type: 'socket_closed' }
  | { type: 'polled'; events: DefuseEvent[]; lastSeq: number }
  | { type: 'browser_offline' }
  | { type: 'browser_online' };

export type LiveEffect =
  | { type: 'apply'; event: DefuseEvent }
  /** Cached data may have missed events: refetch everything. */
  | { type: 'refetch' }
  /** Drop the socket and connect again from lastSeq (null: from now). */
  | { type: 'reconnect' };

export const FAILURES_BEFORE_POLLING = 2;

export const initialLiveState = (browserOnline = true): LiveState => ({
  status: browserOnline ? 'connecting' : 'offline',
  lastSeq: null,
  failures: 0,
  browserOnline,
});

function applyEvents(state: LiveState, events: DefuseEvent[]): { lastSeq: number | null; effects: LiveEffect[] } {
  let lastSeq = state.lastSeq;
  const effects: LiveEffect[] = [];
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    // Replays after a reconnect may overlap what a poll already applied: apply each seq once.
    if (lastSeq !== null && event.seq <= lastSeq) continue;
    effects.push({ type: 'apply', event });
    lastSeq = event.seq;
  }
  return { lastSeq, effects };
}

export function reduceLive(state: LiveState, input: LiveInput): { state: LiveState; effects: LiveEffect[] } {
  switch (input.type) {
    case 'socket_opened':
      return { state: { ...state, status: 'connecting' }, effects: [] };
    case 'message': {
      const { message } = input;
      if (message.type === 'hello') {
        // Without a resume point we start from the server's "now"; whatever happened before the
        // screens loaded is in their REST answers, what happened between may not be: refetch.
        const fresh = state.lastSeq === null;
        return {
          state: {
            ...state,
            status: 'open',
            failures: 0,
            lastSeq: fresh ? message.lastSeq : state.lastSeq,
          },
          effects: fresh ? [{ type: 'refetch' }] : [],
        };
      }
      if (message.type === 'event') {
        const { lastSeq, effects } = applyEvents(state, [message.event]);
        return { state: { ...state, lastSeq }, effects };
      }
      if (message.type === 'resync') {
        return { state: { ...state, lastSeq: null }, effects: [{ type: 'refetch' }, { type: 'reconnect' }] };
      }
      return { state, effects: [] };
    }
    case 'socket_closed': {
      const failures = state.failures + 1;
      const status: LiveStatus = !state.browserOnline
        ? 'offline'
        : failures >= FAILURES_BEFORE_POLLING
          ? 'polling'
          : 'reconnecting';
      return { state: { ...state, failures, status }, effects: [] };
    }
    case 'polled': {
      if (state.lastSeq === null) {
        return { state: { ...state, lastSeq: input.lastSeq }, effects: [{ type: 'refetch' }] };
      }
      const applied = applyEvents(state, input.events);
      const lastSeq = Math.max(applied.lastSeq ?? 0, input.lastSeq, state.lastSeq);
      return { state: { ...state, lastSeq }, effects: applied.effects };
    }
    case 'browser_offline':
      return { state: { ...state, browserOnline: false, status: 'offline' }, effects: [] };
    case 'browser_online':
      return {
        state: { ...state, browserOnline: true, status: 'reconnecting', failures: 0 },
        effects: [{ type: 'reconnect' }],
      };
  }
}
