import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { Viewer } from '../viewer.ts';

/** What a socket signed in with; re-checked while it stays open so sign-out and disabling reach it. */
export interface Credential {
  method: 'cookie' | 'bearer';
  token: string;
}

export interface ConnectionLimits {
  /** Bytes queued for a client before it counts as stuck and is cut off (it resumes with after=). */
  maxBufferedBytes: number;
  /** Sustained client messages per second, and the burst allowed above it. */
  messagesPerSecond: number;
  messageBurst: number;
}

/** One subscribed socket: its viewer, how far it has been served, and its limits. */
export class LiveConnection {
  /** Every event up to this seq has been sent or judged invisible to this viewer. */
  sent = 0;
  /** False while the backlog is replayed from the table; the hub serves only live connections. */
  live = false;
  /** Cleared at each heartbeat, set by a pong or a message; still clear at the next one means dead. */
  alive = true;
  private tokens: number;
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
   * Queues a frame; a client whose queue passes the bound is cut off rather than let it slow
   * the others or grow this process's memory. Returns false when the frame was not queued.
   */
  send(frame: Buffer): boolean {
    if (!this.open) return false;
    this.socket.send(frame, { binary: false });
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.socket.terminate();
      return false;
    }
    return true;
  }

  /** Queues a frame and, past the bound, waits until the queue drains (replay paces itself this way). */
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
    }
  }
}
