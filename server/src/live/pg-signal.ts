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
  private pendingSeq = 0;
  private notifiedSeq = 0;
  private sending = false;
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
    if (lastSeq > this.pendingSeq) this.pendingSeq = lastSeq;
    if (!this.sending) void this.flush();
  }

  subscribe(listener: (lastSeq: number) => void): () => void {
    return this.local.subscribe(listener);
  }

  private async flush(): Promise<void> {
    this.sending = true;
    try {
      // Commits finishing in this turn of the event loop join the same NOTIFY.
      await new Promise((resolve) => setImmediate(resolve));
      while (!this.closed && this.pendingSeq > this.notifiedSeq) {
        const seq = this.pendingSeq;
        try {
          await this.sql.notify(EVENTS_CHANNEL, String(seq));
          this.notifiedSeq = seq;
          this.notifications += 1;
        } catch (err) {
          // The database is away: other instances will re-read when they relisten; retry meanwhile.
          this.onError(err);
          await delay(1000);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.unlisten?.().catch(() => {});
  }
}
