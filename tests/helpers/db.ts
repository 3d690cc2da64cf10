import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Database, openPglite, openPostgres } from '@defuse/server/db/open';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { inject } from 'vitest';

export const usingPostgres = () => Boolean(process.env.TEST_DATABASE_URL);

/**
 * A fresh migrated database for one test file: a PGlite loaded from the run's dump, or a
 * PostgreSQL database copied from the run's template. `drop()` removes what it made.
 */
export async function freshDatabase(
  options: { max?: number } = {},
): Promise<Database & { url?: string; drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = `defuse_t_${randomBytes(6).toString('hex')}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name} template ${inject('pgTemplate')}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    const database = openPostgres(target.toString(), options);
    let dropped = false;
    return {
      ...database,
      url: target.toString(),
      async drop() {
        if (dropped) return;
        dropped = true;
        await database.close();
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const client = await PGlite.create({ loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]) });
  const database = openPglite(client);
  let dropped = false;
  return {
    ...database,
    async drop() {
      if (dropped) return;
      dropped = true;
      await database.close();
    },
  };
}
