import { createHash } from 'node:crypto';
import { idempotencyKeys } from '@defuse/drizzle';
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import { rowsOf } from '../db/types.ts';
import { DomainError } from '../errors.ts';

export interface IdempotencyRequest {
  personId: string;
  key: string;
  requestHash: string;
}

export type Replay = { status: number; body: unknown };

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const hashRequest = (body: unknown) => createHash('sha256').update(canonical(body)).digest('hex');

/**
 * Inside the change's transaction: a transaction-level advisory lock on (person, key) makes a
 * concurrent request with the same key answer 409 at once; a stored response is replayed; a
 * crash rolls the key back with the change, so a retry files again rather than finding a ghost.
 */
export async function beginIdempotent(tx: DbOrTx, req: IdempotencyRequest): Promise<Replay | null> {
  const [lock] = rowsOf<{ ok: boolean }>(
    await tx.execute(sql`select pg_try_advisory_xact_lock(7234003, hashtext(${`${req.personId}:${req.key}`})) as ok`),
  );
  if (!lock?.ok) {
    throw new DomainError('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed');
  }
  const [stored] = await tx
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.personId, req.personId), eq(idempotencyKeys.key, req.key)));
  if (!stored) return null;
  if (stored.requestHash !== req.requestHash) {
    throw new DomainError('idempotency_key_reused', 'This Idempotency-Key was used with a different request body');
  }
  return { status: stored.responseStatus, body: stored.responseBody };
}

export async function finishIdempotent(
  tx: DbOrTx,
  req: IdempotencyRequest,
  response: Replay,
  now: Date,
): Promise<void> {
  await tx.insert(idempotencyKeys).values({
    personId: req.personId,
    key: req.key,
    requestHash: req.requestHash,
    responseStatus: response.status,
    responseBody: response.body,
    createdAt: now,
  });
}
