import type { DefuseEvent, StreamStatus as SocketStatus } from '@defuse/shared';

/**
 * What the board adds on top of the shared live client (`createLiveClient` in @defuse/shared,
 * which owns the socket, resume, backoff and duplicate skipping): the browser's own online
 * state, a fallback that polls /api/events while the socket cannot be had, one high-water mark
 * so an event that arrives both ways is applied once, and a refetch whenever cached data may
 * have missed events. Pure, so it is tested with literal inputs.
 */
export type BoardLiveStatus = 'connecting' | 'open' | 'reconnecting' | 'polling' | 'offline';

export interface BoardLiveState {
  socket: SocketStatus;
  browserOnline: boolean;
  polling: boolean;
  /** The highest seq applied or skipped past, from either source; null until known. */
  appliedSeq: number | null;
  /** Whether the socket has been open once: the first hello may follow events the screens missed. */
  opened: boolean;
}

export type BoardLiveInput =
  | { type: 'socket_status'; status: SocketStatus }
  | { type: 'event'; event: DefuseEvent }
  | { type: 'resync' }
  /** The socket has not been open for the grace period. */
  | { type: 'poll_due' }
  | { type: 'polled'; events: DefuseEvent[]; lastSeq: number }
  | { type: 'browser_offline' }
  | { type: 'browser_online' };

export type BoardLiveEffect =
  | { type: 'apply'; event: DefuseEvent }
  /** Cached data may have missed events: refetch what is on screen. */
  | { type: 'refetch' }
  /** Skip the socket's backoff wait. */
  | { type: 'reconnect' };

export const initialLiveState = (browserOnline = true): BoardLiveState => ({
  socket: 'connecting',
  browserOnline,
  polling: false,
  appliedSeq: null,
  opened: false,
});

export function liveStatusOf(state: BoardLiveState): BoardLiveStatus {
  if (!state.browserOnline) return 'offline';
  if (state.socket === 'open') return 'open';
  if (state.polling) return 'polling';
  return state.socket === 'connecting' && !state.opened ? 'connecting' : 'reconnecting';
}

export function reduceLive(
  state: BoardLiveState,
  input: BoardLiveInput,
): { state: BoardLiveState; effects: BoardLiveEffect[] } {
  switch (input.type) {
    case 'socket_status': {
      const opening = input.status === 'open' && state.socket !== 'open';
      const next = { ...state, socket: input.status, polling: input.status === 'open' ? false : state.polling };
      if (!opening) return { state: next, effects: [] };
      return { state: { ...next, opened: true }, effects: state.opened ? [] : [{ type: 'refetch' }] };
    }
    case 'event': {
      const { seq } = input.event;
      // Polling may already have applied what the resumed socket replays.
      if (state.appliedSeq !== null && seq <= state.appliedSeq) return { state, effects: [] };
      return { state: { ...state, appliedSeq: seq }, effects: [{ type: 'apply', event: input.event }] };
    }
    case 'resync':
      return { state, effects: [{ type: 'refetch' }] };
    case 'poll_due':
      if (state.socket === 'open' || !state.browserOnline || state.socket === 'closed') return { state, effects: [] };
      return { state: { ...state, polling: true }, effects: [] };
    case 'polled': {
      if (!state.polling) return { state, effects: [] };
      if (state.appliedSeq === null) {
        // The first page only tells where "now" is; what happened before it is in the refetch.
        return { state: { ...state, appliedSeq: input.lastSeq }, effects: [{ type: 'refetch' }] };
      }
      let appliedSeq = state.appliedSeq;
      const effects: BoardLiveEffect[] = [];
      for (const event of [...input.events].sort((a, b) => a.seq - b.seq)) {
        if (event.seq <= appliedSeq) continue;
        effects.push({ type: 'apply', event });
        appliedSeq = event.seq;
      }
      return { state: { ...state, appliedSeq: Math.max(appliedSeq, input.lastSeq) }, effects };
    }
    case 'browser_offline':
      return { state: { ...state, browserOnline: false }, effects: [] };
    case 'browser_online':
      return { state: { ...state, browserOnline: true }, effects: [{ type: 'reconnect' }] };
  }
}
