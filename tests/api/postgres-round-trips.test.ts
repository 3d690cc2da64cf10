import { connect } from 'node:net';
import { people } from '@defuse/drizzle';
import { openPostgres, preparingAll } from '@defuse/server/db/open';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, usingPostgres } from '../helpers/db.ts';

// Round trips are a postgres.js matter; PGlite runs in-process.
describe.runIf(usingPostgres())('round trips to PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(() => database.drop());

  it('statements are prepared once per connection, in and out of transactions', async () => {
    const single = openPostgres(database.url ?? '', { max: 1 });
    try {
      const byEmail = (s: string) => eq(people.email, s);
      await single.db.select({ id: people.id }).from(people).where(byEmail('prepared@example.com'));
      await single.db.transaction(async (tx) => {
        await tx.select({ name: people.name }).from(people).where(byEmail('in-tx@example.com'));
      });
      const rows = await single.db.execute(
        sql`select statement from pg_prepared_statements where statement like '%from "people"%'`,
      );
      const statements = (rows as unknown as { statement: string }[]).map((r) => r.statement);
      expect(statements.some((s) => s.startsWith('select "id" from "people"'))).toBe(true);
      expect(statements.some((s) => s.startsWith('select "name" from "people"'))).toBe(true);
    } finally {
      await single.close();
    }
  });

  it('a transaction of one statement costs two writes: BEGIN goes out with the statement (patches/)', async () => {
    const url = new URL(database.url ?? '');
    let writes = 0;
    // postgres.js takes a socket factory (undocumented in its types): count what it writes
    const options = {
      max: 1,
      onnotice: () => {},
      socket: () => {
        const socket = connect(Number(url.port || 5432), url.hostname);
        const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
        socket.write = ((...args: unknown[]) => {
          writes++;
          return write(...args);
        }) as typeof socket.write;
        return socket;
      },
    };
    const client = postgres(url.toString(), options);
    const db = drizzle({ client: preparingAll(client) });
    try {
      const once = () =>
        db.transaction(async (tx) => {
          await tx.select({ id: people.id }).from(people).where(eq(people.email, 'nobody@example.com'));
        });
      await once(); // connects and prepares
      writes = 0;
      await once();
      // BEGIN + the statement, then COMMIT; unpatched it is three (BEGIN alone first)
      expect(writes).toBe(2);
    } finally {
      await client.end();
    }
  });
});
