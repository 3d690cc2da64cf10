import { bombs, departmentMembers, people, products } from '@defuse/drizzle';
import { type Bomb, CATEGORY_KEY_PREFIX, type FileBomb } from '@defuse/shared';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { type DbOrTx, rowsOf } from '../db/types.ts';
import type { Deps } from '../deps.ts';
import { claimDeadline, resolveDeadline } from '../domain/deadlines.ts';
import { routeBomb } from '../domain/routing.ts';
import { invalidField } from '../errors.ts';
import { toBomb } from '../queries/bomb-row.ts';
import { appendEvents } from '../queries/events.ts';
import { openSpan } from '../queries/ownership-spans.ts';
import { departmentsWithMembers, getPolicy, getRoutingTable } from '../queries/settings.ts';
import type { Viewer } from '../viewer.ts';
import { syncDeadlines } from './bomb-change.ts';
import { beginIdempotent, finishIdempotent, hashRequest } from './idempotency.ts';
import { runChange } from './run-change.ts';

export type FileBombResult = { bomb: Bomb; replayed: boolean };

/** Files a bomb already routed, with its deadline, its events and (when given) its idempotency key, in one transaction. */
export async function fileBomb(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  { viewer, input, idempotencyKey }: { viewer: Viewer; input: FileBomb; idempotencyKey?: string | undefined },
): Promise<FileBombResult> {
  const now = deps.clock.now();
  const idem = idempotencyKey
    ? { personId: viewer.id, key: idempotencyKey, requestHash: hashRequest(input) }
    : undefined;

  return runChange<FileBombResult>(deps, async (tx) => {
    if (idem) {
      const replay = await beginIdempotent(tx, idem);
      if (replay) return { result: { bomb: (replay.body as { bomb: Bomb }).bomb, replayed: true }, events: [] };
    }
    if (input.productId) {
      const [product] = await tx.select({ id: products.id }).from(products).where(eq(products.id, input.productId));
      if (!product) throw invalidField('productId', 'No such product');
    }
    const table = await getRoutingTable(tx);
    const staffed = await departmentsWithMembers(tx);
    const routing = table
      ? routeBomb({ ...input, productId: input.productId ?? null }, table, (id) => staffed.has(id))
      : null;
    const policy = routing ? await getPolicy(tx, routing.departmentId) : null;
    // A rule's named person claims it at once (on their behalf), if they still belong there.
    const assigneeId =
      routing?.assigneeId && (await isActiveMember(tx, routing.assigneeId, routing.departmentId))
        ? routing.assigneeId
        : null;
    const [seq] = rowsOf<{ n: string }>(await tx.execute(sql`select nextval('bomb_number_seq') as n`));
    const number = Number(seq?.n);
    const [row] = await tx
      .insert(bombs)
      .values({
        number,
        key: `${CATEGORY_KEY_PREFIX[input.category]}-${number}`,
        title: input.title,
        description: input.description,
        category: input.category,
        severity: input.severity,
        restricted: input.restricted,
        productId: input.productId ?? null,
        customer: input.customer ? input.customer : null,
        filedById: viewer.id,
        departmentId: routing?.departmentId ?? null,
        claimDueAt: policy && !assigneeId ? claimDeadline(policy, input.severity, now) : null,
        ...(policy &&
          assigneeId && {
            status: 'claimed' as const,
            assigneeId,
            claimedAt: now,
            resolveDueAt: resolveDeadline(policy, input.severity, now),
          }),
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new Error('insert returned no row');
    if (routing) {
      await openSpan(tx, {
        bombId: row.id,
        departmentId: routing.departmentId,
        category: row.category,
        at: now,
        claimedAt: row.claimedAt,
      });
    }
    await syncDeadlines(tx, null, row, now, false);
    const bomb = toBomb(row);
    const events = await appendEvents(tx, [
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
      ...(assigneeId
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
    ]);
    if (idem) await finishIdempotent(tx, idem, { status: 201, body: { bomb } }, now);
    return { result: { bomb, replayed: false }, events };
  });
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
