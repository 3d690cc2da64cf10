import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createWorkspace, fileBomb } from '../helpers/factories.ts';

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;

beforeAll(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
});
afterAll(() => ctx.close());

/** The 48-bit millisecond timestamp at the front of a UUIDv7. */
const msOf = (id: string) => Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('ids', () => {
  it('are UUIDv7, so new rows land at the end of the indexes they key', async () => {
    const before = Date.now();
    const first = await fileBomb(ctx, ws.field);
    const second = await fileBomb(ctx, ws.field);
    for (const { id } of [first, second, { id: ws.field.id }]) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    // The database's clock, not the test's manual one: within a minute of this machine's.
    expect(Math.abs(msOf(first.id) - before)).toBeLessThan(60_000);
    expect(msOf(second.id)).toBeGreaterThanOrEqual(msOf(first.id));
  });
});
