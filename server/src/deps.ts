import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Database } from './db/open.ts';
import type { DatabaseKind, Db } from './db/types.ts';
import type { OutboundPolicy } from './outbound/target-guard.ts';

/** After a change commits, whoever serves live clients is told a new event exists. */
export interface ChangeSignal {
  committed(lastSeq: number): void;
  /**
   * Hears commits, on this instance or (with PostgreSQL) another one. `lastSeq` 0 means "events
   * may have been missed" (a listener reconnected): re-read the table. Returns an unsubscribe.
   * Optional so that a bare `{ committed }` (a script or bench with no live clients) still fits;
   * the live hub hears nothing from such a signal.
   */
  subscribe?(listener: (lastSeq: number) => void): () => void;
  /**
   * After a change to what a person may do commits (sign-out, disabled, a new password, role or
   * departments): every instance re-checks that person's open sockets at once.
   */
  personChanged?(personId: string): void;
  /** Hears `personChanged`, here or on another instance; null means "some may have been missed": re-check all. */
  subscribePeople?(listener: (personId: string | null) => void): () => void;
  /** New inbox rows committed for these people: every instance sends them to their open sockets. */
  notified?(personIds: string[]): void;
  /** Hears `notified`, here or on another instance; null means "some may have been missed": look for everyone. */
  subscribeNotified?(listener: (personIds: string[] | null) => void): () => void;
}

export interface Deps {
  db: Db;
  dbKind: DatabaseKind;
  clock: Clock;
  signal: ChangeSignal;
  /** Where outbound requests may go; absent: private, loopback and link-local targets are refused. */
  outbound?: OutboundPolicy;
}

export interface AppDeps extends Deps {
  config: Config;
  database: Database;
}
