import { bombs, departmentMembers, events, people, products, routingVersion } from '@defuse/drizzle';
import { type Bomb, CATEGORY_KEY_PREFIX, type DefuseEvent, type FileBomb } from '@defuse/shared';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { BuiltStatements, placeholder, placeholders } from '../db/built-statements.ts';
import type { DbOrTx, Tx } from '../db/types.ts';
import type { Deps } from '../deps.ts';
import { claimDeadline, resolveDeadline } from '../domain/deadlines.ts';
import { routeBomb } from '../domain/routing.ts';
import { invalidField } from '../errors.ts';
import { type BombRow, toBomb } from '../queries/bomb-row.ts';
import { escalationsInsert } from '../queries/escalation-jobs.ts';
import { eventsInsert, type NewEvent } from '../queries/events.ts';
import { spanInsert } from '../queries/ownership-spans.ts';
import { routingContextAt } from '../queries/settings.ts';
import type { Viewer } from '../viewer.ts';
import { initialEscalations } from './bomb-change.ts';
import {
  hashRequest,
  type IdempotencyRequest,
  idempotencyInProgress,
  idempotencyKeyInsert,
  idempotencyLockName,
  isStoredKey,
  storedResponse,
  tryLockIdempotencyKey,
} from './idempotency.ts';
import { runChange } from './run-change.ts';

export type FileBombResult = { bomb: Bomb; replayed: boolean };

/**
 * Files a bomb already routed, with its deadline, its events and (when given) its idempotency key,
 * in one transaction. Filing is the hot path, so the transaction is three round trips: the reads
 * pipelined, every write in one statement, the commit.
 */
export async function fileBomb(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  { viewer, input, idempotencyKey }: { viewer: Viewer; input: FileBomb; idempotencyKey?: string | undefined },
): Promise<FileBombResult> {
  const idem = idempotencyKey
    ? { personId: viewer.id, key: idempotencyKey, requestHash: hashRequest(input) }
    : undefined;
  try {
    return await runChange<FileBombResult>(deps, (tx) =>
      writeFiling(deps.db, tx, deps.clock.now(), viewer, input, idem),
    );
  } catch (err) {
    // The key is stored already: a retry of a filing that went through gets that filing's answer.
    if (idem && isStoredKey(err)) {
      const replay = await storedResponse(deps.db, idem);
      if (replay) return { bomb: (replay.body as { bomb: Bomb }).bomb, replayed: true };
    }
    throw err;
  }
}

async function writeFiling(
  db: Deps['db'],
  tx: Tx,
  now: Date,
  viewer: Viewer,
  input: FileBomb,
  idem: IdempotencyRequest | undefined,
): Promise<{ result: FileBombResult; events: DefuseEvent[] }> {
  const { version, id, number, productFound } = await readForFiling(tx, input.productId ?? null, idem);
  if (!productFound) throw invalidField('productId', 'No such product');
  // Routing rarely changes: its context is read again only when its version moved.
  const context = await routingContextAt(db, tx, version);
  const routing = context.table
    ? routeBomb({ ...input, productId: input.productId ?? null }, context.table, (id) => context.staffed.has(id))
    : null;
  const policy = routing ? context.policyOf(routing.departmentId) : null;
  // A rule's named person claims it at once (on their behalf), if they still belong there.
  const assigneeId =
    routing?.assigneeId && (await isActiveMember(tx, routing.assigneeId, routing.departmentId))
      ? routing.assigneeId
      : null;
  const claimed = policy !== null && assigneeId !== null;
  // Every column is set here, so the row written is the row answered without reading it back.
  const row: BombRow = {
    id,
    number,
    key: `${CATEGORY_KEY_PREFIX[input.category]}-${number}`,
    title: input.title,
    description: input.description,
    category: input.category,
    severity: input.severity,
    status: claimed ? 'claimed' : 'open',
    restricted: input.restricted,
    productId: input.productId ?? null,
    customer: input.customer ? input.customer : null,
    filedById: viewer.id,
    departmentId: routing?.departmentId ?? null,
    assigneeId: claimed ? assigneeId : null,
    helperIds: [],
    tier: 0,
    bounces: 0,
    disputed: false,
    rootCause: null,
    claimDueAt: policy && !claimed ? claimDeadline(policy, input.severity, now) : null,
    resolveDueAt: policy && claimed ? resolveDeadline(policy, input.severity, now) : null,
    pausedAt: null,
    claimedAt: claimed ? now : null,
    resolvedAt: null,
    closedAt: null,
    lastOtherActionAt: null,
    lastAssigneeActionAt: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const bomb = toBomb(row);
  const filed: NewEvent[] = [
    { type: 'bomb.filed', bombId: row.id, actorId: viewer.id, at: now, data: { bomb } },
    ...(routing
      ? [
          {
            type: 'bomb.routed' as const,
            bombId: row.id,
            actorId: null,
            at: now,
            data: {
              bomb,
              departmentId: routing.departmentId,
              ruleIndex: routing.ruleIndex,
              fallbackReason: routing.fallbackReason,
              skippedDepartmentId: routing.skippedDepartmentId,
              assigneeId: routing.assigneeId,
              ...(routing.assigneeId && !assigneeId && { assigneeSkipped: true }),
            },
          },
        ]
      : []),
    ...(claimed
      ? [
          {
            type: 'bomb.claimed' as const,
            bombId: row.id,
            actorId: null,
            at: now,
            data: { bomb, assigneeId, onBehalf: true, ruleIndex: routing?.ruleIndex ?? null },
          },
        ]
      : []),
  ];
  const escalations = policy ? initialEscalations(row, now, policy) : [];
  const span = routing && {
    bombId: row.id,
    departmentId: routing.departmentId,
    category: row.category,
    at: now,
    claimedAt: row.claimedAt,
  };
  const key = idem && { ...idem, status: 201, body: { bomb }, now };
  const filedEvents = filed.map((e) => ({ ...e, bombId: e.bombId ?? null, personId: e.personId ?? null }));
  // One statement: the other inserts as data-modifying CTEs ahead of the events' insert, built once
  // per shape and filled with this filing's values.
  const shape = `${span ? 's' : ''}${escalations.length}${key ? 'k' : ''}${filedEvents.length}`;
  const rows = await WRITES.run<{ seq: string | number; type: string }>(
    tx,
    shape,
    () => {
      const writes = [
        tx.insert(bombs).values(placeholders('b', row)),
        span && spanInsert(tx, placeholders('s', span)),
        escalations.length > 0 &&
          escalationsInsert(
            tx,
            placeholder('j', 'bombId') as unknown as string,
            escalations.map((job, i) => placeholders(`j${i}`, job)),
          ),
        key &&
          idempotencyKeyInsert(
            tx,
            placeholders('k', { personId: key.personId, key: key.key, requestHash: key.requestHash }),
            placeholders('k', { status: key.status, body: key.body }),
            placeholder('k', 'now') as unknown as Date,
          ),
      ].filter((w) => w !== false && w !== undefined && w !== null);
      const ctes = writes.map((w, i) => tx.$with(`write_${i}`, {}).as(w.getSQL()));
      // Only what the answer lacks comes back: the events' data is the bomb already in hand.
      return eventsInsert(
        tx.with(...ctes),
        filedEvents.map((e, i) => placeholders(`e${i}`, e)),
      ).returning({ seq: events.seq, type: events.type });
    },
    {
      b: row,
      s: span,
      j: { bombId: row.id },
      ...Object.fromEntries(escalations.map((job, i) => [`j${i}`, job])),
      k: key,
      ...Object.fromEntries(filedEvents.map((e, i) => [`e${i}`, e])),
    },
  );
  // One seq per event, each of another type
  const seqOf = new Map(rows.map((r) => [r.type, Number(r.seq)]));
  const written = filedEvents.map((e) => ({
    seq: seqOf.get(e.type) ?? 0,
    type: e.type,
    bombId: e.bombId,
    personId: e.personId,
    actorId: e.actorId,
    at: e.at.toISOString(),
    data: e.data,
  }));
  return { result: { bomb, replayed: false }, events: written };
}

const WRITES = new BuiltStatements();

const READS = new BuiltStatements();

/**
 * Everything a filing reads before it routes, in one statement: the routing version; the id
 * (time-ordered, by the database's clock, like every other id) and the number for the key; the
 * product; the idempotency key's lock, so a concurrent request with the same key is refused at
 * once; and the transaction's id, taken before any seq is drawn (see eventsInsert).
 */
async function readForFiling(
  tx: Tx,
  productId: string | null,
  idem: IdempotencyRequest | undefined,
): Promise<{ version: number; id: string; number: number; productFound: boolean }> {
  const [row] = await READS.run<{ version: number; id: string; n: string; product: boolean; locked: boolean }>(
    tx,
    `${productId ? 'p' : ''}${idem ? 'k' : ''}`,
    () =>
      tx
        .select({
          version: routingVersion.version,
          id: sql`defuse_uuidv7()::text`.as('id'),
          n: sql`nextval('bomb_number_seq')`.as('n'),
          xact: sql`pg_current_xact_id()::text`.as('xact'),
          product: (productId
            ? sql`exists (select 1 from ${products} where ${products.id} = ${placeholder('r', 'productId')})`
            : sql`true`
          ).as('product'),
          locked: (idem ? tryLockIdempotencyKey(placeholder('r', 'lock')) : sql`true`).as('locked'),
        })
        .from(routingVersion),
    { r: { productId, lock: idem && idempotencyLockName(idem) } },
  );
  if (!row) throw new Error('no routing version');
  if (!row.locked) throw idempotencyInProgress();
  return { version: row.version, id: row.id, number: Number(row.n), productFound: row.product };
}

async function isActiveMember(db: DbOrTx, personId: string, departmentId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: people.id })
    .from(departmentMembers)
    .innerJoin(people, eq(people.id, departmentMembers.personId))
    .where(
      and(
        eq(departmentMembers.personId, personId),
        eq(departmentMembers.departmentId, departmentId),
        isNull(people.disabledAt),
      ),
    );
  return row !== undefined;
}
