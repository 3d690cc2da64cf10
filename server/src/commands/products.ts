import { people, products } from '@defuse/drizzle';
import type { CreateProduct, Product, UpdateProduct } from '@defuse/shared';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import type { Deps } from '../deps.ts';
import { fieldChanges } from '../domain/changes.ts';
import { DomainError, invalidField, notFound } from '../errors.ts';
import { appendAdminEvent } from '../queries/audit.ts';
import { toProduct } from '../queries/departments.ts';
import type { Viewer } from '../viewer.ts';
import { runChange } from './run-change.ts';

async function check(
  db: DbOrTx,
  input: { slug?: string | undefined; pmId?: string | null | undefined },
  exceptId?: string,
) {
  if (input.slug) {
    const [row] = await db.select({ id: products.id }).from(products).where(eq(products.slug, input.slug));
    if (row && row.id !== exceptId)
      throw new DomainError('conflict', 'Slug already in use', [{ path: 'slug', message: 'Slug already in use' }]);
  }
  if (input.pmId) {
    const [pm] = await db.select({ role: people.role }).from(people).where(eq(people.id, input.pmId));
    if (!pm) throw invalidField('pmId', 'No such person');
  }
}

export async function createProduct(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  { actor, input }: { actor: Viewer; input: CreateProduct },
): Promise<Product> {
  const now = deps.clock.now();
  return runChange(deps, async (tx) => {
    await check(tx, input);
    const [row] = await tx
      .insert(products)
      .values({ ...input, createdAt: now })
      .returning();
    if (!row) throw new Error('insert returned no row');
    const { id, ...after } = toProduct(row);
    const events = await appendAdminEvent(tx, actor, now, {
      type: 'admin.product_created',
      data: { productId: id, after },
    });
    return { result: toProduct(row), events };
  });
}

export async function updateProduct(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  { actor, id, patch }: { actor: Viewer; id: string; patch: UpdateProduct },
): Promise<Product> {
  return runChange(deps, async (tx) => {
    const [before] = await tx.select().from(products).where(eq(products.id, id)).for('update');
    if (!before) throw notFound('No such product');
    await check(tx, patch, id);
    const [row] =
      Object.keys(patch).length > 0
        ? await tx.update(products).set(patch).where(eq(products.id, id)).returning()
        : [before];
    if (!row) throw notFound('No such product');
    const { id: _, ...was } = toProduct(before);
    const { id: __, ...now } = toProduct(row);
    const change = fieldChanges(was, now);
    const events =
      change.changed.length > 0
        ? await appendAdminEvent(tx, actor, deps.clock.now(), {
            type: 'admin.product_updated',
            data: { productId: id, ...change },
          })
        : [];
    return { result: toProduct(row), events };
  });
}
