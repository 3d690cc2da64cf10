import { createLiveClient, type DefuseEvent, type LiveClient, type Notification } from '@defuse/shared';
import { api } from '../api/client.ts';
import {
  type BoardLiveEffect,
  type BoardLiveInput,
  type BoardLiveState,
  type BoardLiveStatus,
  initialLiveState,
  liveStatusOf,
  reduceLive,
} from './live-reducer.ts';

/** How long the socket may be away before the board also polls, and how often it then polls. */
const POLL_GRACE_MS = 3_000;
const POLL_MS = 3_000;
const POLL_PAGE = 500;

export interface LiveCallbacks {
  onEffect(effect: BoardLiveEffect): void;
  onSessionEnded(): void;
  /** A new item in the signed-in person's inbox. */
  onNotification?(notification: Notification): void;
}

/**
 * The page's live connection: the shared client on /api/live, plus polling of /api/events while
 * the socket is away (a proxy that drops websockets, a server without them), and the browser's
 * online/offline and visibility events.
 */
export class LiveSocketClient {
  private state: BoardLiveState = initialLiveState(typeof navigator === 'undefined' ? true : navigator.onLine);
  private client: LiveClient | null = null;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private polling = false;
  private readonly listeners = new Set<() => void>();
  private readonly eventListeners = new Set<(event: DefuseEvent) => void>();

  constructor(private readonly callbacks: LiveCallbacks) {}

  getStatus = (): BoardLiveStatus => liveStatusOf(this.state);

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Raw events as they are applied, for views that react to an event rather than to cached data. */
  onEvent = (listener: (event: DefuseEvent) => void): (() => void) => {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  };

  start(): void {
    if (this.client) return;
    window.addEventListener('online', this.handleOnline);
    window.addEventListener('offline', this.handleOffline);
    document.addEventListener('visibilitychange', this.handleVisible);
    this.client = createLiveClient({
      url: `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/live`,
      onEvent: (event) => this.dispatch({ type: 'event', event }),
      onResync: () => this.dispatch({ type: 'resync' }),
      onNotification: (notification) => this.callbacks.onNotification?.(notification),
      onStatus: (status) => this.dispatch({ type: 'socket_status', status }),
      onSessionEnded: () => this.callbacks.onSessionEnded(),
    });
    this.armGrace();
  }

  stop(): void {
    window.removeEventListener('online', this.handleOnline);
    window.removeEventListener('offline', this.handleOffline);
    document.removeEventListener('visibilitychange', this.handleVisible);
    clearTimeout(this.graceTimer);
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.client?.close();
    this.client = null;
  }

  private dispatch(input: BoardLiveInput): void {
    const before = liveStatusOf(this.state);
    const { state, effects } = reduceLive(this.state, input);
    this.state = state;
    for (const effect of effects) {
      if (effect.type === 'reconnect') this.client?.reconnectNow();
      else this.callbacks.onEffect(effect);
      if (effect.type === 'apply') for (const listener of this.eventListeners) listener(effect.event);
    }
    if (input.type === 'socket_status' && input.status !== 'open') this.armGrace();
    if (state.polling) this.schedulePoll(0);
    if (liveStatusOf(state) !== before) for (const listener of this.listeners) listener();
  }

  private armGrace(): void {
    clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => this.dispatch({ type: 'poll_due' }), POLL_GRACE_MS);
  }

  private schedulePoll(delay: number): void {
    if (this.polling || this.pollTimer !== undefined || !this.client) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.poll();
    }, delay);
  }

  private async poll(): Promise<void> {
    if (!this.state.polling) return;
    this.polling = true;
    try {
      let after = this.state.appliedSeq ?? 0;
      const events: DefuseEvent[] = [];
      // Pages until the server scanned nothing new; capped so one round stays short.
      for (let pages = 0; pages < 20; pages++) {
        const page = await api<{ events: DefuseEvent[]; lastSeq: number }>(
          `/api/events?after=${after}&limit=${POLL_PAGE}`,
        );
        events.push(...page.events);
        if (page.lastSeq === after) break;
        after = page.lastSeq;
      }
      this.dispatch({ type: 'polled', events, lastSeq: after });
    } catch {
      // The next round tries again; the status already says the board is not live.
    } finally {
      this.polling = false;
    }
    if (this.state.polling) this.schedulePoll(POLL_MS);
  }

  private handleOnline = () => this.dispatch({ type: 'browser_online' });
  private handleOffline = () => this.dispatch({ type: 'browser_offline' });
  private handleVisible = () => {
    if (document.visibilityState === 'visible' && this.state.socket !== 'open') this.client?.reconnectNow();
  };
}
