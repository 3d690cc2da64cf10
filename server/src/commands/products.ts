import { people, products } from '@defuse/drizzle';
import type { CreateProduct, Product, UpdateProduct } from '@defuse/shared';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import type { Deps } from '../deps.ts';
import { DomainError, invalidField, notFound } from '../errors.ts';
import { toProduct } from '../queries/departments.ts';

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

export async function createProduct({ db, clock }: Pick<Deps, 'db' | 'clock'>, input: CreateProduct): Promise<Product> {
  return db.transaction(async (tx) => {
    await check(tx, input);
    const [row] = await tx
      .insert(products)
      .values({ ...input, createdAt: clock.now() })
      .returning();
    if (!row) throw new Error('insert returned no row');
    return toProduct(row);
  });
}

export async function updateProduct(
  { db }: Pick<Deps, 'db'>,
  { id, patch }: { id: string; patch: UpdateProduct },
): Promise<Product> {
  return db.transaction(async (tx) => {
    await check(tx, patch, id);
    const [row] =
      Object.keys(patch).length > 0
        ? await tx.update(products).set(patch).where(eq(products.id, id)).returning()
        : await tx.select().from(products).where(eq(products.id, id));
    if (!row) throw notFound('No such product');
    return toProduct(row);
  });
}
