import { fileURLToPath } from 'node:url';
import * as schema from '@defuse/drizzle';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { CircuitBreaker, DEFAULT_BREAKER_OPTIONS } from './circuit-breaker.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { guardedBy } from './guarded-client.ts';
import type { DatabaseKind, Db } from './types.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle/migrations', import.meta.url));

/** An open database: the drizzle handle plus what only the owner of the connection can do. */
export interface Database {
  db: Db;
  kind: DatabaseKind;
  /** postgres.js client, for LISTEN/NOTIFY; absent on PGlite. */
  pg?: postgres.Sql;
  /** PGlite instance, for in-process LISTEN; absent on PostgreSQL. */
  pglite?: PGlite;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export function openPglite(client: PGlite, release: () => void = () => {}): Database {
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    pglite: client,
    migrate: () => migratePglite(drizzlePglite({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER }),
    async close() {
      await client.close();
      release();
    },
  };
}

/** The embedded database in `dir`, held with an exclusive lock. Durability stays on: a 2xx is on disk. */
export async function openEmbedded(dir: string): Promise<Database> {
  const release = lockDataDir(dir);
  try {
    const client = await PGlite.create({ dataDir: dir, relaxedDurability: false });
    return openPglite(client, release);
  } catch (err) {
    release();
    throw err;
  }
}

/*
 * Timeouts on PostgreSQL, so that an outage is answered with a 503 within 2 s (docs/api.md):
 * - connect: 1.5 s. A connection on a LAN takes milliseconds and one across a continent with TLS
 *   a few hundred; past 1.5 s the database is not answering, and the request still has time to
 *   answer its 503 within 2 s.
 * - reconnect back-off: 0.25 s, flat. postgres.js's default grows to 20 s, and a query waits in
 *   its queue for that long; the circuit breaker refuses requests meanwhile, so only its probe
 *   reconnects.
 * - statement: 15 s, half the request timeout (app.ts): a statement still running by then would
 *   answer a client about to give up; it is cut and answered 503 instead, rather than left to
 *   hold its connection and locks.
 * - idle in transaction: 30 s frees the locks of a transaction whose process hung.
 */
const CONNECT_TIMEOUT_S = 1.5;
const RECONNECT_BACKOFF_S = 0.25;
const STATEMENT_TIMEOUT_MS = 15_000;
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 30_000;

export function openPostgres(
  url: string,
  options: { max?: number; onBreakerChange?: (open: boolean) => void } = {},
): Database {
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connect_timeout: CONNECT_TIMEOUT_S,
    backoff: () => RECONNECT_BACKOFF_S,
    connection: {
      statement_timeout: STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
  });
  const breaker = new CircuitBreaker(() => client`select 1`, DEFAULT_BREAKER_OPTIONS, options.onBreakerChange);
  const db = drizzlePostgres({ client: guardedBy(breaker, preparingAll(client)), schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    pg: client,
    async migrate() {
      // Several instances may start at once: one migrates, the others wait and find nothing to do.
      // Lock and migration share one dedicated connection, so no pool size can deadlock them.
      // No timeouts here: a migration may take long, and so may the wait for another's lock.
      const single = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
      try {
        await single`select pg_advisory_lock(7234001)`;
        await migratePostgres(drizzlePostgres({ client: single, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    async close() {
      breaker.stop();
      await client.end({ timeout: 5 });
    },
  };
}

/**
 * drizzle asks postgres.js for an unnamed statement unless a query was `.prepare()`d by name, and
 * postgres.js then describes every statement with parameters before it binds it: two round trips
 * per statement. Preparing everything (postgres.js caches a statement per connection by its text,
 * and recycles connections within the hour) makes it one from the second use on.
 */
export function preparingAll(client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (query: string, args?: postgres.ParameterOrJSON<never>[], opts?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, args, { ...opts, prepare: true });
      }
      if (prop === 'begin' || prop === 'savepoint') {
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: postgres.Sql) => unknown;
          const begin = Reflect.get(target, prop, receiver) as (...a: unknown[]) => Promise<unknown>;
          return begin(...args, (tx: postgres.Sql) => fn(preparingAll(tx)));
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}
