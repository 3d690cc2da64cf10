import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/types.ts';
import { rowsOf } from '../db/types.ts';

type Checkpoint = { high: number; mark: bigint };

/** The oldest transaction still running in a `xmin:xmax:xip` snapshot text. */
export function oldestRunning(snapshot: string): bigint {
  return BigInt(snapshot.split(':')[0] ?? '0');
}

/**
 * The highest event seq below which every transaction has finished, so a reader never delivers
 * seq 102 and then skips a 101 that commits later — without making writers wait on each other.
 *
 * Writers take a transaction id before they take a seq (appendEvents sees to it). A checkpoint
 * reads the sequence's high mark H, then takes a fresh transaction id X: every seq ≤ H belongs to
 * a transaction with an id below X. Once a later snapshot's oldest running transaction is above
 * X, all of those have finished: every seq ≤ H is committed and visible, or rolled back and never
 * will be, and H is settled. (A snapshot's list of running ids is not enough: it omits any
 * transaction younger than the last one to complete.)
 *
 * @example
 * const settled = new SettledSeq(db);
 * await settled.settle(); // → 41: events 1‥41 can be delivered; 42 may still be in flight
 */
export class SettledSeq {
  private pending: Checkpoint[] = [];
  private settled = 0;
  private latestHigh = 0;

  constructor(private readonly db: Db) {}

  get current(): number {
    return this.settled;
  }

  /** Takes a new checkpoint and settles every earlier one whose transactions have all finished. */
  async poll(): Promise<number> {
    const [seq] = rowsOf<{ last_value: string | number; is_called: boolean }>(
      await this.db.execute(sql`select last_value, is_called from events_seq_seq`),
    );
    const high = seq?.is_called ? Number(seq.last_value) : 0;
    // The snapshot is the statement's, taken before the id is assigned: its oldest running
    // transaction settles what earlier checkpoints waited on; the new id marks this one.
    const [row] = rowsOf<{ snapshot: string; mark: string }>(
      await this.db.execute(
        // The id makes this statement a transaction that commits, with nothing worth an fsync: commit it asynchronously.
        sql`select set_config('synchronous_commit', 'off', true), pg_current_snapshot()::text as snapshot, pg_current_xact_id()::text as mark`,
      ),
    );
    const oldest = oldestRunning(row?.snapshot ?? '0:0:');
    this.latestHigh = high;
    const still: Checkpoint[] = [];
    for (const c of this.pending) {
      if (oldest > c.mark) this.settled = Math.max(this.settled, c.high);
      else still.push(c);
    }
    still.push({ high, mark: BigInt(row?.mark ?? '0') });
    this.pending = still;
    return this.settled;
  }

  /** True while a checkpoint that would deliver something new waits on a running transaction. */
  get waiting(): boolean {
    return this.pending.some((c) => c.high > this.settled);
  }

  /**
   * Polls until every seq taken before this call has settled (or the time runs out). On a busy
   * server some transaction is always running, so this waits for a mark, not for quiet.
   */
  async settle(timeoutMs = 2000): Promise<number> {
    await this.poll();
    const target = this.latestHigh;
    const until = performance.now() + timeoutMs;
    while (this.settled < target && performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await this.poll();
    }
    return this.settled;
  }
}
