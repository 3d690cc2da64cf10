import { bombs, events } from '@defuse/drizzle';
import { fileBomb } from '@defuse/server/commands/file-bomb';
import type { Viewer } from '@defuse/server/viewer';
import { type Bomb, BombResponseSchema, FileBombSchema } from '@defuse/shared';
import { asc, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { bombInput, createWorkspace } from '../helpers/factories.ts';
import { bodyOf, errorOf } from '../helpers/inject.ts';

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;

beforeAll(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
});
afterAll(() => ctx.close());

const post = (payload: unknown, extra: Record<string, string> = {}) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/bombs',
    headers: { ...ws.field.headers, ...extra },
    payload: payload as object,
  });

/** How many transactions wrote these bombs: rows one transaction wrote share its xmin. */
async function transactionsOf(ids: string[]): Promise<number> {
  const [row] = await ctx.deps.db
    .select({ n: sql<number>`count(distinct ${bombs}.xmin::text)::int` })
    .from(bombs)
    .where(inArray(bombs.id, ids));
  return row?.n ?? 0;
}

/** The field contact as the server's viewer, for calling fileBomb directly. */
const fieldViewer = (): Viewer => ({
  ...ws.field,
  name: 'field',
  role: 'field',
  locale: 'ja',
  departmentIds: [],
  leadDepartmentIds: [],
});

describe('filings that arrive together', () => {
  it('are written in fewer transactions than filings, each with its own answer and events in order', async () => {
    // Called directly, all at once: over HTTP on PGlite, whose statements run on the event loop,
    // requests reach the writer one at a time and there is nothing to gather.
    const viewer = fieldViewer();
    const signalled: number[] = [];
    const unsubscribe = ctx.deps.signal.subscribe?.((seq) => signalled.push(seq));
    const titles = Array.from({ length: 40 }, (_, i) => `同時に届いた ${i}`);
    const answered = (
      await Promise.all(
        titles.map((title) => fileBomb(ctx.deps, { viewer, input: FileBombSchema.parse(bombInput({ title })) })),
      )
    ).map((r) => r.bomb);
    expect(answered.map((b) => b.title)).toEqual(titles);
    expect(new Set(answered.map((b) => b.id)).size).toBe(40);
    expect(new Set(answered.map((b) => b.key)).size).toBe(40);
    // two slots: the first two alone, then the rest gathered in groups of at most 16
    expect(await transactionsOf(answered.map((b) => b.id))).toBe(5);

    const rows = await ctx.deps.db
      .select({ seq: events.seq, type: events.type, bombId: events.bombId, data: events.data })
      .from(events)
      .where(
        inArray(
          events.bombId,
          answered.map((b) => b.id),
        ),
      )
      .orderBy(asc(events.seq));
    for (const bomb of answered) {
      const own = rows.filter((e) => e.bombId === bomb.id);
      expect(own.map((e) => e.type)).toEqual(['bomb.filed', 'bomb.routed']);
      // each event carries its own bomb, exactly as answered
      expect(own.map((e) => (e.data as { bomb: Bomb }).bomb)).toEqual([bomb, bomb]);
    }
    expect(new Set(rows.map((e) => e.seq)).size).toBe(rows.length);
    // each commit signals its own last seq, which other instances are woken with
    unsubscribe?.();
    expect(signalled).toHaveLength(5);
    expect(Math.max(...signalled)).toBe(Math.max(...rows.map((e) => e.seq)));
  });

  it('refuse only the filing at fault: an unknown product, a retried key and a key sent twice at once', async () => {
    const stored = await post(bombInput({ title: 'first try' }), { 'idempotency-key': 'group-retry' });
    expect(stored.statusCode).toBe(201);
    const storedBomb = bodyOf(stored, BombResponseSchema).bomb;

    // the odd ones go last, so they are gathered into a group with good ones
    const good = Array.from({ length: 12 }, (_, i) => post(bombInput({ title: `good ${i}` })));
    const odd = [
      post(bombInput({ title: 'no product', productId: '00000000-0000-4000-8000-000000000000' })),
      post(bombInput({ title: 'first try' }), { 'idempotency-key': 'group-retry' }),
      post(bombInput({ title: 'twice at once' }), { 'idempotency-key': 'group-twice' }),
      post(bombInput({ title: 'twice at once' }), { 'idempotency-key': 'group-twice' }),
    ] as const;
    const goodAnswers = await Promise.all(good);
    const [unknownProduct, retried, twiceA, twiceB] = await Promise.all(odd);

    expect(goodAnswers.map((r) => r.statusCode)).toEqual(good.map(() => 201));
    expect(unknownProduct.statusCode).toBe(400);
    expect(errorOf(unknownProduct).fields).toEqual([{ path: 'productId', message: 'No such product' }]);
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotency-replayed']).toBe('true');
    expect(bodyOf(retried, BombResponseSchema).bomb).toEqual(storedBomb);
    // one of the two with one key files; the other is refused or answered with the same bomb
    const twice = [twiceA, twiceB].map((r) => r.statusCode).sort();
    expect([
      [201, 201],
      [201, 409],
    ]).toContainEqual(twice);
    const twiceIds = new Set(
      [twiceA, twiceB].filter((r) => r.statusCode === 201).map((r) => bodyOf(r, BombResponseSchema).bomb.id),
    );
    expect(twiceIds.size).toBe(1);

    const titled = await ctx.deps.db
      .select({ title: bombs.title })
      .from(bombs)
      .where(inArray(bombs.title, ['first try', 'no product', 'twice at once']));
    expect(titled.map((b) => b.title).sort()).toEqual(['first try', 'twice at once']);
  });

  it('answer a retried key from their reads, so the retry does not roll back the group it arrived in', async () => {
    const viewer = fieldViewer();
    const input = FileBombSchema.parse(bombInput({ title: 'filed once' }));
    const first = await fileBomb(ctx.deps, { viewer, input, idempotencyKey: 'retry-in-a-group' });
    // 33 at once: two go alone while both slots are free, the other 31 gather in groups of 16 and 15;
    // the retry (10th) is in the first group.
    const filings = Array.from({ length: 33 }, (_, i) =>
      i === 10
        ? fileBomb(ctx.deps, { viewer, input, idempotencyKey: 'retry-in-a-group' })
        : fileBomb(ctx.deps, { viewer, input: FileBombSchema.parse(bombInput({ title: `in company ${i}` })) }),
    );
    const answers = await Promise.all(filings);
    const retried = answers[10];
    expect(retried).toEqual({ bomb: first.bomb, replayed: true });
    const filed = answers.filter((a) => !a.replayed).map((a) => a.bomb.id);
    expect(filed).toHaveLength(32);
    // A rolled-back group would write its 15 other filings one by one: 18 transactions, not 4.
    expect(await transactionsOf(filed)).toBe(4);
  });

  it('answer a key retried with another body with 422, still without rolling back the group', async () => {
    const viewer = fieldViewer();
    await fileBomb(ctx.deps, {
      viewer,
      input: FileBombSchema.parse(bombInput({ title: 'the first body' })),
      idempotencyKey: 'reused-in-a-group',
    });
    const filings = Array.from({ length: 20 }, (_, i) =>
      fileBomb(ctx.deps, {
        viewer,
        input: FileBombSchema.parse(bombInput({ title: i === 8 ? 'another body' : `beside a reused key ${i}` })),
        ...(i === 8 && { idempotencyKey: 'reused-in-a-group' }),
      }),
    );
    const settled = await Promise.allSettled(filings);
    const reused = settled[8];
    expect(reused?.status === 'rejected' && (reused.reason as { code?: string }).code).toBe('idempotency_key_reused');
    const filed = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value.bomb.id] : []));
    expect(filed).toHaveLength(19);
    // two alone, then groups of 16 (the reused key among them) and 2
    expect(await transactionsOf(filed)).toBe(4);
  });
});
