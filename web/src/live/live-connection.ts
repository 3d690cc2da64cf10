import { type DefuseEvent, ServerMessageSchema } from '@defuse/shared';
import { api } from '../api/client.ts';
import { initialLiveState, type LiveEffect, type LiveInput, type LiveState, reduceLive } from './live-reducer.ts';

const MAX_BACKOFF_MS = 15_000;
const POLL_MS = 3_000;
const PING_MS = 25_000;
const POLL_PAGE = 500;

/**
 * The websocket to /api/live with resume (`after=lastSeq`), backoff, and a fallback that polls
 * /api/events while the socket cannot be had, so views stay live behind proxies that drop it.
 */
export class LiveConnection {
  private state: LiveState = initialLiveState(typeof navigator === 'undefined' ? true : navigator.onLine);
  private socket: WebSocket | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private polling = false;
  private stopped = true;
  private readonly listeners = new Set<() => void>();
  private readonly eventListeners = new Set<(event: DefuseEvent) => void>();

  constructor(private readonly onEffect: (effect: LiveEffect) => void) {}

  getState = (): LiveState => this.state;

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
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.handleOnline);
    window.addEventListener('offline', this.handleOffline);
    document.addEventListener('visibilitychange', this.handleVisible);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.handleOnline);
    window.removeEventListener('offline', this.handleOffline);
    document.removeEventListener('visibilitychange', this.handleVisible);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.pollTimer);
    clearInterval(this.pingTimer);
    this.socket?.close();
    this.socket = null;
  }

  private dispatch(input: LiveInput): void {
    const { state, effects } = reduceLive(this.state, input);
    const changed = state !== this.state;
    this.state = state;
    for (const effect of effects) {
      if (effect.type === 'reconnect') this.reconnectNow();
      else this.onEffect(effect);
      if (effect.type === 'apply') for (const listener of this.eventListeners) listener(effect.event);
    }
    if (changed) for (const listener of this.listeners) listener();
    if (state.status === 'polling') this.schedulePoll(0);
  }

  private connect(): void {
    if (this.stopped) return;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const after = this.state.lastSeq === null ? '' : `?after=${this.state.lastSeq}`;
    let socket: WebSocket;
    try {
      socket = new WebSocket(`${proto}//${location.host}/api/live${after}`);
    } catch {
      this.dispatch({ type: 'socket_closed' });
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.dispatch({ type: 'socket_opened' });
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'ping' }));
      }, PING_MS);
    };
    socket.onmessage = (message) => {
      let json: unknown;
      try {
        json = JSON.parse(String(message.data));
      } catch {
        return;
      }
      // Unknown message types (a newer server) are ignored, not fatal.
      const parsed = ServerMessageSchema.safeParse(json);
      if (parsed.success) this.dispatch({ type: 'message', message: parsed.data });
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      clearInterval(this.pingTimer);
      if (this.stopped) return;
      this.dispatch({ type: 'socket_closed' });
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    if (this.stopped || !this.state.browserOnline) return;
    const base = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.state.failures, 5));
    this.reconnectTimer = setTimeout(() => this.connect(), base / 2 + Math.random() * (base / 2));
  }

  private reconnectNow(): void {
    clearTimeout(this.reconnectTimer);
    const old = this.socket;
    this.socket = null;
    old?.close();
    this.connect();
  }

  private schedulePoll(delay: number): void {
    if (this.polling || this.pollTimer !== undefined || this.stopped) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.poll();
    }, delay);
  }

  private async poll(): Promise<void> {
    if (this.stopped || this.state.status !== 'polling') return;
    this.polling = true;
    try {
      let after = this.state.lastSeq ?? 0;
      const collected: DefuseEvent[] = [];
      // Pages until the server scanned nothing new; capped so one round stays short.
      for (let pages = 0; pages < 20; pages++) {
        const page = await api<{ events: DefuseEvent[]; lastSeq: number }>(
          `/api/events?after=${after}&limit=${POLL_PAGE}`,
        );
        collected.push(...page.events);
        if (page.lastSeq === after) break;
        after = page.lastSeq;
      }
      if (this.state.status === 'polling') this.dispatch({ type: 'polled', events: collected, lastSeq: after });
    } catch {
      // The next round tries again; the status already says we are not live.
    } finally {
      this.polling = false;
    }
    if (this.state.status === 'polling') this.schedulePoll(POLL_MS);
  }

  private handleOnline = () => this.dispatch({ type: 'browser_online' });
  private handleOffline = () => this.dispatch({ type: 'browser_offline' });
  private handleVisible = () => {
    if (document.visibilityState === 'visible' && this.state.status !== 'open') this.reconnectNow();
  };
}
