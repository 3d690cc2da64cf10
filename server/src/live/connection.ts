import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { Viewer } from '../viewer.ts';

/** What a socket signed in with; re-checked while it stays open so sign-out and disabling reach it. */
export interface Credential {
  method: 'cookie' | 'bearer';
  token: string;
}

export interface ConnectionLimits {
  /**
   * Bytes queued for a client above which it counts as stuck if the queue stays that large for
   * `stuckGraceMs`; past `maxQueuedBytes` it is cut off at once. It resumes with after=.
   */
  maxBufferedBytes: number;
  stuckGraceMs: number;
  maxQueuedBytes: number;
  /** Sustained client messages per second, and the burst allowed above it. */
  messagesPerSecond: number;
  messageBurst: number;
}

/** How long a closed socket's client has to answer the close frame. */
const CLOSE_GRACE_MS = 1000;

/** One subscribed socket: its viewer, how far it has been served, and its limits. */
export class LiveSubscriber {
  /** Every event up to this seq has been sent or judged invisible to this viewer. */
  sent = 0;
  /** False while the backlog is replayed from the table; the hub serves only live connections. */
  live = false;
  /** Cleared at each heartbeat, set by a pong or a message; still clear at the next one means dead. */
  alive = true;
  private tokens: number;
  /** When the queue was first seen above the bound, while it stays there. */
  private overSince: number | null = null;
  private refilledAt = performance.now();

  constructor(
    readonly socket: WebSocket,
    public viewer: Viewer,
    readonly credential: Credential,
    private readonly limits: ConnectionLimits,
  ) {
    this.tokens = limits.messageBurst;
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /**
   * At the start of each fan-out burst: a client whose queue has stayed above the bound for the
   * grace period, or passed the hard ceiling, has stopped reading and is cut off (it resumes with
   * after=). So it never slows the others nor holds more than the ceiling, while a prompt reader
   * that a burst of parallel commits briefly filled is left alone.
   */
  checkBacklog(now = performance.now()): boolean {
    if (!this.open) return false;
    const queued = this.socket.bufferedAmount;
    const stuck =
      queued > this.limits.maxQueuedBytes ||
      (queued > this.limits.maxBufferedBytes && now - (this.overSince ?? now) > this.limits.stuckGraceMs);
    if (stuck) {
      this.socket.terminate();
      return false;
    }
    this.overSince = queued > this.limits.maxBufferedBytes ? (this.overSince ?? now) : null;
    return true;
  }

  /** Queues a frame; returns false when the socket is no longer open. */
  send(frame: Buffer): boolean {
    if (!this.open) return false;
    this.socket.send(frame, { binary: false });
    return true;
  }

  async sendPaced(frame: Buffer): Promise<void> {
    if (!this.open) return;
    if (this.socket.bufferedAmount <= this.limits.maxBufferedBytes) {
      this.socket.send(frame, { binary: false });
      return;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off('close', done);
        resolve();
      };
      this.socket.once('close', done);
      this.socket.send(frame, { binary: false }, done);
    });
  }

  /** Token bucket: false once the client sends faster than allowed. */
  takeMessageToken(): boolean {
    const now = performance.now();
    const { messagesPerSecond, messageBurst } = this.limits;
    this.tokens = Math.min(messageBurst, this.tokens + ((now - this.refilledAt) / 1000) * messagesPerSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(code, reason);
      // A client that never answers the close frame (a flooder) is dropped, not held for ws's 30 s.
      setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
    }
  }
}
