import { apiTokens } from '@defuse/drizzle';
import type { ApiToken } from '@defuse/shared';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import { forbidden } from '../errors.ts';
import type { Viewer } from '../viewer.ts';

/** The viewer's own tokens, or (for an admin) those of `personId`. */
export function listApiTokensFor(db: DbOrTx, viewer: Viewer, personId = viewer.id): Promise<ApiToken[]> {
  if (personId !== viewer.id && viewer.role !== 'admin') throw forbidden('Only an admin lists the tokens of others');
  return listApiTokens(db, personId);
}

/** A person's tokens that are not revoked (expired ones too, so they can be seen and removed); never a secret. */
export async function listApiTokens(db: DbOrTx, personId: string): Promise<ApiToken[]> {
  const rows = await db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      expiresAt: apiTokens.expiresAt,
    })
    .from(apiTokens)
    .where(and(eq(apiTokens.personId, personId), isNull(apiTokens.revokedAt)))
    .orderBy(asc(apiTokens.createdAt), asc(apiTokens.id));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    expiresAt: r.expiresAt?.toISOString() ?? null,
  }));
}
