import { apiTokens } from '@defuse/drizzle';
import type { CreateToken } from '@defuse/shared';
import { and, count, eq, isNull } from 'drizzle-orm';
import { API_TOKEN_PREFIX, hashToken, newToken } from '../auth/tokens.ts';
import type { Deps } from '../deps.ts';
import { addSeconds } from '../domain/deadlines.ts';
import { DomainError, notFound } from '../errors.ts';
import { appendAdminEvent } from '../queries/audit.ts';
import type { Viewer } from '../viewer.ts';
import { runChange } from './run-change.ts';

/** Keeps a person's token list short enough to answer whole. */
export const MAX_TOKENS_PER_PERSON = 50;

/** A new token for the viewer; the secret is returned here once and only its hash is kept. */
export async function createApiToken(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  { viewer, input }: { viewer: Viewer; input: CreateToken },
): Promise<{ id: string; token: string }> {
  const [live] = await db
    .select({ n: count() })
    .from(apiTokens)
    .where(and(eq(apiTokens.personId, viewer.id), isNull(apiTokens.revokedAt)));
  if ((live?.n ?? 0) >= MAX_TOKENS_PER_PERSON) {
    throw new DomainError('conflict', `At most ${MAX_TOKENS_PER_PERSON} tokens: revoke one first`);
  }
  const token = newToken(API_TOKEN_PREFIX);
  const now = clock.now();
  const [row] = await db
    .insert(apiTokens)
    .values({
      personId: viewer.id,
      name: input.name,
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt: input.expiresInDays === undefined ? null : addSeconds(now, input.expiresInDays * 86_400),
    })
    .returning({ id: apiTokens.id });
  if (!row) throw new Error('insert returned no row');
  return { id: row.id, token };
}

/**
 * Revokes one token: the owner's own, or anyone's for an admin (someone else's is a 404, as if it
 * did not exist). Every instance then re-checks the owner's sockets, closing those of this token.
 */
/**
 * Revokes a token: the owner's own, or anyone's by an admin, when it is written down as an
 * admin.token_revoked event in the same transaction (someone else's secret stopped working).
 */
export async function revokeApiToken(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  { viewer, id }: { viewer: Viewer; id: string },
): Promise<void> {
  const { clock, signal } = deps;
  const revoked = await runChange(deps, async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: clock.now() })
      .where(
        and(
          eq(apiTokens.id, id),
          isNull(apiTokens.revokedAt),
          viewer.role === 'admin' ? undefined : eq(apiTokens.personId, viewer.id),
        ),
      )
      .returning({ personId: apiTokens.personId, name: apiTokens.name });
    if (!row) throw notFound('No such token');
    const events =
      row.personId === viewer.id
        ? []
        : await appendAdminEvent(tx, viewer, clock.now(), {
            type: 'admin.token_revoked',
            data: { tokenId: id, personId: row.personId, name: row.name },
          });
    return { result: row, events };
  });
  signal.personChanged?.(revoked.personId);
}
