import { createHash } from 'node:crypto';
import { idempotencyKeys } from '@defuse/drizzle';
import { and, eq, type SQLWrapper, sql } from 'drizzle-orm';
import { isUniqueViolation } from '../db/errors.ts';
import type { DbOrTx } from '../db/types.ts';
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

/*
 * A key is stored with the change it answered, in the change's transaction, so a crash rolls it
 * back with the change and a retry files again rather than finding a ghost. Filing reads a stored
 * key in the statement of reads it runs anyway (filing-reads.ts), so a retry is answered without
 * writing and never rolls back the group of filings it arrived in. A key stored between that read
 * and the write (a first request committing meanwhile) is still refused by the key's primary key:
 * the change rolls back and the caller answers from the stored row (storedResponse).
 */

/** The name the key's lock is taken under (tryLockIdempotencyKey). */
export const idempotencyLockName = (req: IdempotencyRequest) => `${req.personId}:${req.key}`;

/**
 * SQL that is true once the change's transaction holds the key's lock, and false while a concurrent
 * request with the same key holds it (answer idempotencyInProgress at once).
 */
export const tryLockIdempotencyKey = (lockName: SQLWrapper) =>
  sql<boolean>`pg_try_advisory_xact_lock(7234003, hashtext(${lockName}))`;

export const idempotencyInProgress = () =>
  new DomainError('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed');

export const idempotencyKeyReused = () =>
  new DomainError('idempotency_key_reused', 'This Idempotency-Key was used with a different request body');

/** The insert that stores keys with their responses, for the change's own statement. */
export function idempotencyKeysInsert(tx: DbOrTx, keys: { req: IdempotencyRequest; response: Replay; now: Date }[]) {
  return tx.insert(idempotencyKeys).values(
    keys.map(({ req, response, now }) => ({
      personId: req.personId,
      key: req.key,
      requestHash: req.requestHash,
      responseStatus: response.status,
      responseBody: response.body,
      createdAt: now,
    })),
  );
}

export const isStoredKey = (err: unknown) => isUniqueViolation(err, 'idempotency_keys_person_id_key_pk');

/** What a stored key answered; 422 when the key came with another body. */
export async function storedResponse(db: DbOrTx, req: IdempotencyRequest): Promise<Replay | null> {
  const [stored] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.personId, req.personId), eq(idempotencyKeys.key, req.key)));
  if (!stored) return null;
  if (stored.requestHash !== req.requestHash) throw idempotencyKeyReused();
  return { status: stored.responseStatus, body: stored.responseBody };
}
