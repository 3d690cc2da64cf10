import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/types.ts';
import { rowsOf } from '../db/types.ts';

type Checkpoint = { high: number; mark: bigint; since: number };

/**
 * How long a checkpoint may wait on the server-wide oldest transaction before the (dearer) look
 * at this database's own transactions: past it, a transaction of another database is the likely
 * cause, and this database's events need not wait for it.
 */
const STALL_MS = 50;

/** The oldest transaction still running in a `xmin:xmax:xip` snapshot text (any database on the server). */
export function oldestRunning(snapshot: string): bigint {
  return BigInt(snapshot.split(':')[0] ?? '0');
}

/**
 * The oldest of this database's running transactions (32-bit xids as pg_stat_activity lists them,
 * comma-separated), widened to the 64-bit ids `mark` belongs to; past `mark` when none runs.
 */
export function oldestRunningHere(running: string | null, mark: bigint): bigint {
  const epoch = mark >> 32n;
  let oldest = mark + 1n;
  for (const xid of running?.split(',') ?? []) {
    let full = (epoch << 32n) | BigInt(xid);
    // Assigned before the 32-bit counter last wrapped around.
    if (full > mark) full -= 1n << 32n;
    if (full < oldest) oldest = full;
  }
  return oldest;
}

/**
 * The highest event seq below which every transaction has finished, so a reader never delivers
 * seq 102 and then skips a 101 that commits later — without making writers wait on each other.
 *
 * Writers take a transaction id before they take a seq (appendEvents sees to it). A checkpoint
 * reads the sequence's high mark H, then takes a fresh transaction id X: every seq ≤ H belongs to
 * a transaction with an id below X. Once no transaction with an id below X is running, all of
 * those have finished: every seq ≤ H is committed and visible, or rolled back and never will be,
 * and H is settled. (A snapshot's list of running ids is not enough: it omits any transaction
 * younger than the last one to complete.)
 *
 * A snapshot's oldest running transaction answers that cheaply, but for every database on the
 * server: one long transaction elsewhere would hold back every live client here. So a checkpoint
 * that has waited STALL_MS looks at this database's transactions only (pg_stat_activity).
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
    const mark = BigInt(row?.mark ?? '0');
    this.latestHigh = high;
    this.settleBelow(oldestRunning(row?.snapshot ?? '0:0:'));
    const now = performance.now();
    this.pending.push({ high, mark, since: now });
    if (this.pending.some((c) => c.high > this.settled && now - c.since > STALL_MS)) {
      // pg_stat_activity lists a backend's transaction id from its assignment until the end.
      const [here] = rowsOf<{ running: string | null }>(
        await this.db.execute(
          sql`select string_agg(backend_xid::text, ',') as running from pg_stat_activity
            where datname = current_database() and backend_xid is not null and pid <> pg_backend_pid()`,
        ),
      );
      this.settleBelow(oldestRunningHere(here?.running ?? null, mark));
    }
    return this.settled;
  }

  /** Settles every checkpoint whose mark is below the oldest transaction still running. */
  private settleBelow(oldest: bigint): void {
    const still: Checkpoint[] = [];
    for (const c of this.pending) {
      if (oldest > c.mark) this.settled = Math.max(this.settled, c.high);
      else still.push(c);
    }
    this.pending = still;
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
