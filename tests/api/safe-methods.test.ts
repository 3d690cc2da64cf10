import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createProduct, createWorkspace, fileBomb } from '../helpers/factories.ts';

type OpenApi = { paths: Record<string, Record<string, unknown>> };

let ctx: TestContext;
let w: Awaited<ReturnType<typeof createWorkspace>>;
let ids: Record<string, string>;

beforeAll(async () => {
  ctx = await createTestContext();
  w = await createWorkspace(ctx);
  const bomb = await fileBomb(ctx, w.field, { category: 'shipping' });
  await fileBomb(ctx, w.field, { restricted: true });
  const claimed = await ctx.app.inject({
    method: 'POST',
    url: `/api/bombs/${bomb.id}/claim`,
    headers: w.member.headers,
  });
  expect(claimed.statusCode).toBe(200);
  ids = {
    bombs: bomb.id,
    people: w.member.id,
    isolation: w.member.id,
    departments: w.departments.logistics,
    products: await createProduct(ctx),
  };
});
afterAll(() => ctx.close());

/**
 * Every row of every table of the application, and where its sequences stand: a write that
 * was rolled back still moves a sequence.
 */
async function snapshot(): Promise<Record<string, string>> {
  const rows = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, string>[];
  const tables = rows(
    await ctx.deps.db.execute(
      sql`select tablename as name from pg_tables where schemaname = 'public' order by tablename`,
    ),
  ).map((r) => r.name ?? '');
  expect(tables).toEqual(expect.arrayContaining(['bombs', 'events', 'people', 'sessions']));
  const state: Record<string, string> = {};
  for (const table of tables) {
    const [row] = rows(
      await ctx.deps.db.execute(
        sql`select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as hash from ${sql.identifier(table)} t`,
      ),
    );
    state[table] = row?.hash ?? '';
  }
  const sequences = rows(
    await ctx.deps.db.execute(
      sql`select sequencename as name, coalesce(last_value, 0)::text as value from pg_sequences where schemaname = 'public'`,
    ),
  );
  for (const s of sequences) state[`sequence ${s.name}`] = s.value ?? '';
  return state;
}

describe('GET, HEAD and OPTIONS (docs/security.md check 8)', () => {
  it('change nothing stored, on any route, for any role', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json() as OpenApi;
    const readable = Object.entries(doc.paths)
      .filter(([, ops]) => 'get' in ops)
      .map(([path]) => path.replace(/\{\w+\}/g, () => ids[path.split('/')[2] ?? ''] ?? 'missing'));
    expect(readable.length).toBeGreaterThan(15);
    expect(readable.filter((p) => p.includes('missing'))).toEqual([]);

    // The clock stands still: a session's last-seen time, touched at most once a minute, stays put,
    // so any difference is a write a read should not make.
    const before = await snapshot();
    let answered = 0;
    for (const actor of [w.field, w.member, w.lead, w.pm, w.admin]) {
      for (const url of readable) {
        for (const method of ['GET', 'HEAD', 'OPTIONS'] as const) {
          const res = await ctx.app.inject({ method, url, headers: actor.headers });
          expect(res.statusCode, `${method} ${url}`).toBeLessThan(500);
          if (res.statusCode < 300) answered += 1;
        }
      }
    }
    // Most of them were really served, not refused before reaching a handler.
    expect(answered).toBeGreaterThan(readable.length * 2);
    expect(await snapshot()).toEqual(before);
  });
});
