import type postgres from 'postgres';

/**
 * What every bulk seed of a benchmark needs: a connection in bulk mode, ids derived from ordinals
 * (person n = bench_id('p'||n)) so no statement joins to find them, timed steps, and secondary
 * indexes built once after a load instead of row by row.
 */
export interface Bulk {
  sql: postgres.Sql;
  /** Runs one statement and logs how long it took. */
  step(label: string, query: string): Promise<void>;
}

/**
 * Foreign-key triggers are off while the returned handle loads (session_replication_role =
 * replica): generated rows are consistent by construction, and millions of per-row checks would
 * dominate the time. `finish` turns them back on.
 */
export async function openBulk(
  sql: postgres.Sql,
  log: (s: string) => void,
): Promise<Bulk & { finish(): Promise<void> }> {
  // md5 of an ordinal, stamped as a version-4 UUID so responses validate.
  await sql.unsafe(
    `create or replace function bench_id(text) returns uuid language sql immutable as
     $$ select overlay(overlay(md5($1) placing '4' from 13) placing '8' from 17)::uuid $$`,
  );
  await sql.unsafe(`set session_replication_role = replica`);
  await sql.unsafe(`set maintenance_work_mem = '512MB'`);
  return {
    sql,
    async step(label, query) {
      const t = performance.now();
      await sql.unsafe(query);
      log(`  ${label}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    },
    async finish() {
      await sql.unsafe(`set session_replication_role = origin`);
    },
  };
}

/**
 * Drops the tables' secondary indexes (those the migrations made, whatever they are today; the
 * ones behind primary keys and unique constraints stay), runs the load, and builds them again
 * from their own definitions.
 */
export async function withIndexesDeferred(bulk: Bulk, tables: string[], load: () => Promise<void>): Promise<void> {
  const defs = await bulk.sql<{ name: string; def: string }[]>`
    select i.indexname as name, i.indexdef as def from pg_indexes i
    where i.schemaname = current_schema() and i.tablename in ${bulk.sql(tables)}
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`;
  for (const d of defs) await bulk.sql.unsafe(`drop index "${d.name}"`);
  await load();
  if (defs.length > 0) await bulk.step(`indexes of ${tables.join(', ')}`, defs.map((d) => d.def).join(';\n'));
}
