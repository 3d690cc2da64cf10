import { readForFilings } from '@defuse/server/commands/filing-reads';
import { rowsOf } from '@defuse/server/db/types';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createWorkspace, fileBomb } from '../helpers/factories.ts';

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;

beforeAll(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
});
afterAll(() => ctx.close());

/**
 * SettledSeq needs every writer to hold its transaction id before it draws an event seq. Filing
 * draws its seqs in the writes statement, where they may come before any row is written; its
 * statement of reads, which runs first, must have given the transaction its id (the `xact` column,
 * selected only for that). Without it, a checkpoint could take a mark between the seq and the id
 * and settle the seq while the filing is still uncommitted: a reader would skip that event.
 */
describe('the filing reads give the transaction its id before any seq is drawn', () => {
  it('after the reads statement, and nothing else, the transaction holds an id', async () => {
    // nextval() takes an id too whenever it WAL-logs the sequence (every 32nd value): file once
    // so the read's nextval is not the one that logs, and only `xact` can give the id.
    await fileBomb(ctx, ws.field);
    const idNow = async (tx: Parameters<Parameters<typeof ctx.deps.db.transaction>[0]>[0]) => {
      const [row] = rowsOf<{ id: string | null }>(
        await tx.execute(sql`select pg_current_xact_id_if_assigned()::text as id`),
      );
      return row?.id ?? null;
    };
    await ctx.deps.db.transaction(async (tx) => {
      expect(await idNow(tx)).toBeNull();
      const idem = { personId: ws.field.id, key: 'xact-check', requestHash: 'h' };
      await readForFilings(tx, [{ productId: null, idem }]);
      expect(await idNow(tx)).not.toBeNull();
    });
  });
});
