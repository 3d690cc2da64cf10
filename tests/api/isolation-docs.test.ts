import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

describe('OpenAPI', () => {
  it('documents the isolation, settings and feedback routes from their zod schemas', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys((res.json() as { paths: Record<string, unknown> }).paths);
    for (const p of [
      '/api/isolation',
      '/api/isolation/gaps',
      '/api/isolation/{personId}',
      '/api/isolation/{personId}/buddy',
      '/api/settings/isolation',
      '/api/products/{id}/feedback',
      '/api/products/{id}/feedback.csv',
    ]) {
      expect(paths).toContain(p);
    }
  });
});
