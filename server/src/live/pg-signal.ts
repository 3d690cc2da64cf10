import { setTimeout as delay } from 'node:timers/promises';
import type postgres from 'postgres';
import type { ChangeSignal } from '../deps.ts';
import { LocalSignal } from './local-signal.ts';

/** The channel every instance listens on; its payload is a seq, never an event. */
export const EVENTS_CHANNEL = 'defuse_events';

/**
 * Commits signalled across instances with PostgreSQL LISTEN/NOTIFY. The notification is only a
 * wake-up: listeners read the event table, so a lost or late notification loses nothing, and a
 * listener that reconnects is told to re-read (seq 0). NOTIFY is sent after commit (runChange
 * calls `committed`), coalesced: a burst of commits while one NOTIFY is in flight costs one more.
 */
export class PgSignal implements ChangeSignal {
  private readonly local = new LocalSignal();
  /** Highest seq committed since the last NOTIFY; 0 when nothing waits. */
  private burstSeq = 0;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private unlisten: (() => Promise<void>) | undefined;
  /** NOTIFY statements sent, to check the coalescing. */
  notifications = 0;

  private constructor(
    private readonly sql: postgres.Sql,
    private readonly onError: (err: unknown) => void,
  ) {}

  static async start(sql: postgres.Sql, onError: (err: unknown) => void = () => {}): Promise<PgSignal> {
    const signal = new PgSignal(sql, onError);
    const { unlisten } = await sql.listen(
      EVENTS_CHANNEL,
      (payload) => {
        const seq = Number(payload);
        if (Number.isSafeInteger(seq) && seq > 0) signal.local.committed(seq);
      },
      // Runs on every (re)listen: notifications sent while the connection was down are gone.
      () => signal.local.committed(0),
    );
    signal.unlisten = unlisten;
    return signal;
  }

  committed(lastSeq: number): void {
    // This instance's own clients need no round trip through the database.
    this.local.committed(lastSeq);
    this.burstSeq = Math.max(this.burstSeq, lastSeq);
    this.kick();
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      // A commit may have landed between the loop's last check and here.
      if (this.burstSeq > 0 && !this.closed) this.kick();
    });
  }

  /** Resolves once every commit signalled so far has been notified. */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  subscribe(listener: (lastSeq: number) => void): () => void {
    return this.local.subscribe(listener);
  }

  private async flush(): Promise<void> {
    // Commits finishing in this turn of the event loop join the same NOTIFY.
    await new Promise((resolve) => setImmediate(resolve));
    while (!this.closed && this.burstSeq > 0) {
      const seq = this.burstSeq;
      this.burstSeq = 0;
      try {
        await this.sql.notify(EVENTS_CHANNEL, String(seq));
        this.notifications += 1;
      } catch (err) {
        // The database is away: other instances will re-read when they relisten; retry meanwhile.
        this.burstSeq = Math.max(this.burstSeq, seq);
        this.onError(err);
        await delay(1000);
      }
    }
  }

  /** Sends what is pending (for a while, should the database be away), then stops listening. */
  async close(): Promise<void> {
    await Promise.race([this.settled(), delay(2000)]);
    this.closed = true;
    await this.unlisten?.().catch(() => {});
  }
}
