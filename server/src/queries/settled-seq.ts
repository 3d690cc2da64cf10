import { sql } from 'drizzle-orm';
import type { Db } from '../db/types.ts';
import { rowsOf } from '../db/types.ts';

type Checkpoint = { high: number; running: Set<string> };

/** `xmin:xmax:xip,…` as pg_current_snapshot() writes it → the transactions still running. */
export function runningTransactions(snapshot: string): Set<string> {
  const xip = snapshot.split(':')[2] ?? '';
  return new Set(xip.split(',').filter((x) => x !== ''));
}

/** A text[] arrives as an array from postgres.js and as `{a,b}` text from some drivers. */
function parseTextArray(value: string[] | string | null): string[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value;
  return value
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter((x) => x !== '');
}

/**
 * The highest event seq below which every transaction has finished, so a reader never delivers
 * seq 102 and then skips a 101 that commits later — without making writers wait on each other.
 *
 * Writers take a transaction id before they take a seq (appendEvents does). So if we read the
 * sequence's high mark H first and a snapshot S second, every seq ≤ H belongs to a transaction
 * that had finished by S or is listed running in S. Once all of those have finished, every seq
 * ≤ H is either committed and visible, or rolled back and never will be: H is settled.
 *
 * @example
 * const settled = new SettledSeq(db);
 * await settled.poll(); // → 41: events 1‥41 can be delivered; 42 may still be in flight
 */
export class SettledSeq {
  private pending: Checkpoint[] = [];
  private settled = 0;

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
    // The snapshot is cluster-wide; only transactions in this database can write our events, so a
    // long transaction elsewhere on the server must not hold the stream back.
    const [snap] = rowsOf<{ snapshot: string; ours: string[] | string | null }>(
      await this.db.execute(
        sql`select pg_current_snapshot()::text as snapshot,
          array(select backend_xid::text from pg_stat_activity where datname = current_database() and backend_xid is not null) as ours`,
      ),
    );
    const ours = new Set(parseTextArray(snap?.ours ?? null));
    const runningNow = new Set([...runningTransactions(snap?.snapshot ?? '')].filter((xid) => ours.has(xid)));
    this.pending.push({ high, running: runningNow });
    const still: Checkpoint[] = [];
    for (const c of this.pending) {
      const finished = [...c.running].every((xid) => !runningNow.has(xid));
      if (finished) this.settled = Math.max(this.settled, c.high);
      else still.push(c);
    }
    this.pending = still;
    return this.settled;
  }

  /** True while some checkpoint waits on a running transaction: poll again soon. */
  get waiting(): boolean {
    return this.pending.length > 0;
  }
}
