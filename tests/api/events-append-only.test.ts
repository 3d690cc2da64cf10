import { events } from '@defuse/drizzle';
import { appendEvents } from '@defuse/server/queries/events';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createWorkspace, fileBomb, isolationChanged } from '../helpers/factories.ts';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
  const w = await createWorkspace(ctx);
  await fileBomb(ctx, w.field);
});
afterAll(() => ctx.close());

/** Every message down an error's cause chain (drizzle wraps the driver's error). */
function messages(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) parts.push(e.message);
  return parts.join(' / ');
}

async function refusal(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
  } catch (err) {
    return messages(err);
  }
  return 'no error';
}

const comment = () => isolationChanged(ctx.clock.now());
const allEvents = () => ctx.deps.db.select().from(events).orderBy(asc(events.seq));

describe('the event log (docs/security.md check 19)', () => {
  it('refuses an UPDATE, a DELETE and a TRUNCATE through the application’s own connection', async () => {
    const before = await allEvents();
    const first = before[0];
    expect(first).toBeDefined();
    const seq = first?.seq ?? 0;

    expect(await refusal(ctx.deps.db.update(events).set({ data: {} }).where(eq(events.seq, seq)))).toMatch(
      /the event log is append-only: UPDATE on events refused/,
    );
    expect(await refusal(ctx.deps.db.delete(events).where(eq(events.seq, seq)))).toMatch(
      /the event log is append-only: DELETE on events refused/,
    );
    expect(await refusal(ctx.deps.db.execute(sql`truncate events`))).toMatch(
      /the event log is append-only: TRUNCATE on events refused/,
    );
    // Also from inside a change's transaction, where the rest of its work is rolled back with it.
    expect(
      await refusal(
        ctx.deps.db.transaction(async (tx) => {
          await appendEvents(tx, [comment()]);
          await tx.delete(events);
        }),
      ),
    ).toMatch(/append-only/);

    expect(await allEvents()).toEqual(before);
  });

  it('still takes new events', async () => {
    const before = (await allEvents()).length;
    await ctx.deps.db.transaction((tx) => appendEvents(tx, [comment()]));
    expect(await allEvents()).toHaveLength(before + 1);
  });
});
