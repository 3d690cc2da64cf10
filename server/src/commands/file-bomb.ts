import { bombs, departmentMembers, events as eventsTable, people } from '@defuse/drizzle';
import { type Bomb, CATEGORY_KEY_PREFIX, type DefuseEvent, type FileBomb } from '@defuse/shared';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { BuiltStatements, placeholder, placeholders } from '../db/built-statements.ts';
import { isRowError } from '../db/errors.ts';
import { GroupCommit, type Outcome } from '../db/group-commit.ts';
import type { DbOrTx, Tx } from '../db/types.ts';
import type { Deps } from '../deps.ts';
import { claimDeadline, resolveDeadline } from '../domain/deadlines.ts';
import type { PlannedEscalation } from '../domain/escalation.ts';
import { routeBomb } from '../domain/routing.ts';
import { invalidField } from '../errors.ts';
import { type BombRow, toBomb } from '../queries/bomb-row.ts';
import { escalationsInsert } from '../queries/escalation-jobs.ts';
import { eventsInsert, type NewEvent, writtenEvent } from '../queries/events.ts';
import {
  hashRequest,
  type IdempotencyRequest,
  idempotencyInProgress,
  idempotencyKeyReused,
  idempotencyKeysInsert,
  idempotencyLockName,
  isStoredKey,
  storedResponse,
} from '../queries/idempotency.ts';
import { type NewSpan, spansInsert } from '../queries/ownership-spans.ts';
import { type RoutingContext, routingContextAt } from '../queries/settings.ts';
import type { Viewer } from '../viewer.ts';
import { initialEscalations } from './bomb-change.ts';
import { readForFilings } from './filing-reads.ts';
import { runChange } from './run-change.ts';

export type FileBombResult = { bomb: Bomb; replayed: boolean };

interface Filing {
  viewer: Viewer;
  input: FileBomb;
  idem: IdempotencyRequest | undefined;
}

/**
 * Files a bomb already routed, with its deadline, its events and (when given) its idempotency key,
 * all in one transaction. Filing is the hot path: filings that arrive together share that
 * transaction (GroupCommit), which takes three round trips for the whole group: one statement of
 * reads, one of writes, the commit.
 */
export async function fileBomb(
  deps: FilingDeps,
  { viewer, input, idempotencyKey }: { viewer: Viewer; input: FileBomb; idempotencyKey?: string | undefined },
): Promise<FileBombResult> {
  const idem = idempotencyKey
    ? { personId: viewer.id, key: idempotencyKey, requestHash: hashRequest(input) }
    : undefined;
  try {
    return await groupsOf(deps).submit({ viewer, input, idem });
  } catch (err) {
    // The key was stored after the group read it (a first request that committed in between): the
    // write refused it, and the retry gets that filing's answer. A key stored earlier is answered
    // from the group's reads, without this.
    if (idem && isStoredKey(err)) {
      const replay = await storedResponse(deps.db, idem);
      if (replay) return { bomb: (replay.body as { bomb: Bomb }).bomb, replayed: true };
    }
    throw err;
  }
}

type FilingDeps = Pick<Deps, 'db' | 'clock' | 'signal'>;

/*
 * Two groups at a time, of up to 16 filings: one to three at a time and groups of 8 to 32 measured
 * alike, four at a time only lengthened the tail (tests/bench/intake/RESULTS.md), and smaller
 * groups keep the statements small. Keyed by the deps object, so a caller's own clock or signal is
 * never used for another caller's filings.
 */
const groups = new WeakMap<FilingDeps, GroupCommit<Filing, FileBombResult>>();

function groupsOf(deps: FilingDeps): GroupCommit<Filing, FileBombResult> {
  let found = groups.get(deps);
  if (!found) {
    found = new GroupCommit(
      (filings) => runChange(deps, (tx) => writeFilings(deps.db, tx, deps.clock.now(), filings)),
      { slots: 2, maxGroup: 16, retryAlone: isRowError },
    );
    groups.set(deps, found);
  }
  return found;
}

/** What one filing writes, every row complete, so the row written is the row answered. */
interface Planned {
  row: BombRow;
  bomb: Bomb;
  events: Required<NewEvent>[];
  escalations: (PlannedEscalation & { bombId: string })[];
  span: NewSpan | null;
  key: (IdempotencyRequest & { status: number; body: { bomb: Bomb }; now: Date }) | undefined;
}

async function writeFilings(
  db: Deps['db'],
  tx: Tx,
  now: Date,
  filings: Filing[],
): Promise<{ result: Outcome<FileBombResult>[]; events: DefuseEvent[] }> {
  const { version, rows } = await readForFilings(
    tx,
    filings.map((f) => ({ productId: f.input.productId ?? null, idem: f.idem })),
  );
  // Routing rarely changes: its context is read again only when its version moved.
  const context = await routingContextAt(db, tx, version);
  const outcomes: Outcome<FileBombResult>[] = [];
  const planned: Planned[] = [];
  const locked = new Set<string>();
  for (const [i, filing] of filings.entries()) {
    const read = rows[i];
    const lockName = filing.idem && idempotencyLockName(filing.idem);
    // Two requests with one key in one group: the lock is the session's, so it would let the second
    // through here; it is refused as it would be in a transaction of its own.
    if (!read?.locked || (lockName && locked.has(lockName))) {
      outcomes.push({ ok: false, error: idempotencyInProgress() });
      continue;
    }
    if (lockName) locked.add(lockName);
    if (read.stored) {
      // A retry of a filing that went through: its first answer, and nothing written.
      outcomes.push(
        read.stored.requestHash === filing.idem?.requestHash
          ? { ok: true, value: { bomb: read.stored.body.bomb as Bomb, replayed: true } }
          : { ok: false, error: idempotencyKeyReused() },
      );
      continue;
    }
    if (!read.product) {
      outcomes.push({ ok: false, error: invalidField('productId', 'No such product') });
      continue;
    }
    const plan = await planFiling(tx, context, now, filing, { id: read.id, number: Number(read.n) });
    planned.push(plan);
    outcomes.push({ ok: true, value: { bomb: plan.bomb, replayed: false } });
  }
  const events = planned.length > 0 ? await writePlanned(tx, planned) : [];
  return { result: outcomes, events };
}

async function planFiling(
  tx: Tx,
  context: RoutingContext,
  now: Date,
  { viewer, input, idem }: Filing,
  { id, number }: { id: string; number: number },
): Promise<Planned> {
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
              ...(routing.assigneeId && !assigneeId && { assigneeSkipped: true as const }),
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
            data: { bomb, assigneeId, onBehalf: true as const, ruleIndex: routing?.ruleIndex ?? null },
          },
        ]
      : []),
  ];
  const escalations = policy ? initialEscalations(row, now, policy) : [];
  const span = routing
    ? { bombId: row.id, departmentId: routing.departmentId, category: row.category, at: now, claimedAt: row.claimedAt }
    : null;
  const key = idem && { ...idem, status: 201, body: { bomb }, now };
  const events = filed.map((e) => ({ ...e, bombId: e.bombId ?? null, personId: e.personId ?? null }));
  return {
    row,
    bomb,
    events,
    escalations: escalations.map((job) => ({ bombId: row.id, ...job })),
    span,
    key,
  };
}

/**
 * Every row of the group in one statement: the other inserts as data-modifying CTEs ahead of the
 * events' insert, built once per shape (how many rows of each) and filled with these values.
 * Only what the answers lack comes back: the events' data is the bombs already in hand.
 */
async function writePlanned(tx: Tx, planned: Planned[]): Promise<DefuseEvent[]> {
  const spans = planned.flatMap((p) => (p.span ? [p.span] : []));
  const jobs = planned.flatMap((p) => p.escalations);
  const keys = planned.flatMap((p) => (p.key ? [p.key] : []));
  const events = planned.flatMap((p) => p.events);
  const shape = [planned.length, spans.length, jobs.length, keys.length, events.length].join('.');
  const rows = await WRITES.run(
    tx,
    shape,
    () => {
      const writes = [
        tx.insert(bombs).values(planned.map((p, i) => placeholders(`b${i}`, p.row))),
        spans.length > 0 &&
          spansInsert(
            tx,
            spans.map((s, i) => placeholders(`s${i}`, s)),
          ),
        jobs.length > 0 &&
          escalationsInsert(
            tx,
            jobs.map((job, i) => placeholders(`j${i}`, job)),
          ),
        keys.length > 0 &&
          idempotencyKeysInsert(
            tx,
            keys.map((key, i) => ({
              req: placeholders(`k${i}`, { personId: key.personId, key: key.key, requestHash: key.requestHash }),
              response: placeholders(`k${i}`, { status: key.status, body: key.body }),
              now: placeholder(`k${i}`, 'now') as unknown as Date,
            })),
          ),
      ].filter((w) => w !== false);
      const ctes = writes.map((w, i) => tx.$with(`write_${i}`, {}).as(w.getSQL()));
      return eventsInsert(
        tx.with(...ctes),
        events.map((e, i) => placeholders(`e${i}`, e)),
      ).returning({
        seq: eventsTable.seq,
        type: eventsTable.type,
        // Aliased: a built statement's rows come back under their SQL names.
        bombId: sql<string | null>`${eventsTable.bombId}`.as('bombId'),
      });
    },
    Object.fromEntries([
      ...planned.map((p, i) => [`b${i}`, p.row]),
      ...spans.map((s, i) => [`s${i}`, s]),
      ...jobs.map((job, i) => [`j${i}`, job]),
      ...keys.map((key, i) => [`k${i}`, key]),
      ...events.map((e, i) => [`e${i}`, e]),
    ]),
    WrittenEventSchema,
  );
  // RETURNING answers the rows in the order of VALUES: the i-th row is the i-th event. Its type
  // and bomb are checked, because a wrong seq would signal the wrong commit to other instances:
  // fail (and roll back) instead.
  const seq = (e: (typeof events)[number], i: number) => {
    const row = rows[i];
    if (rows.length !== events.length || row?.type !== e.type || row.bombId !== e.bombId) {
      throw new Error(`filing: the seq of event ${i} (${e.type} of ${e.bombId}) did not come back in its place`);
    }
    return row.seq;
  };
  return events.map((e, i) => writtenEvent(e, seq(e, i))).sort((a, b) => a.seq - b.seq);
}

const WRITES = new BuiltStatements();

const WrittenEventSchema = z.object({
  seq: z.union([z.string(), z.number()]).transform(Number),
  type: z.string(),
  bombId: z.string().nullable(),
});

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
