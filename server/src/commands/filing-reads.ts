import { idempotencyKeys, products, routingVersion } from '@defuse/drizzle';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { BuiltStatements, placeholder } from '../db/built-statements.ts';
import type { Tx } from '../db/types.ts';
import { type IdempotencyRequest, idempotencyLockName, tryLockIdempotencyKey } from '../queries/idempotency.ts';

const READS = new BuiltStatements();

/** A bigint as the drivers answer it: postgres.js as text, PGlite as a number. */
const bigintText = z.union([z.string(), z.number(), z.bigint()]).transform(Number);

const FilingReadSchema = z.object({
  id: z.string(),
  n: bigintText,
  product: z.boolean(),
  locked: z.boolean(),
  version: bigintText,
  /** Read for its side effect (see readForFilings); checked so the column cannot go unnoticed. */
  xact: z.string(),
  /** The filing's idempotency key as stored by an earlier request, if it was. */
  stored: z.preprocess(
    (v) => (typeof v === 'string' ? JSON.parse(v) : v),
    z.object({ requestHash: z.string(), body: z.object({ bomb: z.unknown() }) }).nullable(),
  ),
});
export type FilingRead = z.infer<typeof FilingReadSchema>;

/**
 * Everything a group of filings reads before routing, in one statement: for each filing, the id
 * (time-ordered, by the database's clock, like every other id) and the number for its key, its
 * product, its idempotency key's lock (so a concurrent request with the same key is refused at
 * once) and that key's stored answer (so a retry is answered without writing, and never rolls
 * back the group it arrived in); for all of them, the routing version.
 *
 * `xact` is selected for its side effect: pg_current_xact_id() gives the transaction its id here,
 * before the writes statement draws any event seq. SettledSeq needs every writer to hold its id
 * before it takes a seq (queries/events.ts); nothing else in this statement assigns one, and in the
 * writes statement the seqs may be drawn before the first row is written (tests/api/filing-xact).
 *
 * The filings go in as one JSON parameter, so the statement is the same for any number of them.
 */
export async function readForFilings(
  tx: Tx,
  filings: { productId: string | null; idem: IdempotencyRequest | undefined }[],
): Promise<{ version: number; rows: FilingRead[] }> {
  const list = filings.map((f, ord) => ({
    ord,
    product: f.productId,
    lock: f.idem ? idempotencyLockName(f.idem) : null,
    person: f.idem?.personId ?? null,
    key: f.idem?.key ?? null,
  }));
  const k = idempotencyKeys;
  const rows = await READS.run(
    tx,
    'filings',
    () =>
      tx
        .select({
          id: sql`defuse_uuidv7()::text`.as('id'),
          n: sql`nextval('bomb_number_seq')`.as('n'),
          product: sql`(i.product is null or exists (select 1 from ${products} where ${products.id} = i.product))`.as(
            'product',
          ),
          locked: sql`(i.lock is null or ${tryLockIdempotencyKey(sql`i.lock`)})`.as('locked'),
          version: sql<number>`(select ${routingVersion.version} from ${routingVersion})`.as('version'),
          xact: sql`pg_current_xact_id()::text`.as('xact'),
          stored:
            sql`(select jsonb_build_object('requestHash', ${k.requestHash}, 'body', ${k.responseBody}) from ${k} where ${k.personId} = i.person and ${k.key} = i.key)`.as(
              'stored',
            ),
        })
        .from(
          sql`jsonb_to_recordset(${placeholder('r', 'list')}::jsonb) as i(ord int, product uuid, lock text, person uuid, key text)`,
        )
        .orderBy(sql`i.ord`),
    { r: { list: JSON.stringify(list) } },
    FilingReadSchema,
  );
  const version = rows[0]?.version;
  if (version === undefined || rows.length !== filings.length) throw new Error('filing reads: a row is missing');
  return { version, rows };
}
