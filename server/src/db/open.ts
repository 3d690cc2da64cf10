import { fileURLToPath } from 'node:url';
import * as schema from '@defuse/drizzle';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { lockDataDir } from './data-dir-lock.ts';
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

export function openPostgres(url: string, options: { max?: number } = {}): Database {
  const client = postgres(url, { max: options.max ?? 10, onnotice: () => {}, connect_timeout: 10 });
  const db = drizzlePostgres({ client: preparingAll(client), schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    pg: client,
    async migrate() {
      // Several instances may start at once: one migrates, the others wait and find nothing to do.
      // Lock and migration share one dedicated connection, so no pool size can deadlock them.
      const single = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
      try {
        await single`select pg_advisory_lock(7234001)`;
        await migratePostgres(drizzlePostgres({ client: single, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    async close() {
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
