import { BombResponseSchema, EventsResponseSchema } from '@defuse/shared';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { bodyOf, errorOf, inject } from '../helpers/inject.ts';

// A bare Fastify app answering fixed bodies: the helpers are about responses, not about Defuse.
const app = Fastify();
app.get('/events', async () => ({ events: [], lastSeq: 7 }));
app.get('/drifted', async () => ({ events: [], last: 7 }));
app.get('/refused', async (_request, reply) =>
  reply.code(409).send({ error: { code: 'already_claimed', message: 'taken', details: { assigneeId: 'x' } } }),
);
afterAll(() => app.close());

describe('the typed inject helpers', () => {
  it("parse a body with the route's schema", async () => {
    expect(bodyOf(await app.inject({ url: '/events' }), EventsResponseSchema)).toEqual({ events: [], lastSeq: 7 });
    expect(errorOf(await app.inject({ url: '/refused' })).code).toBe('already_claimed');
  });

  it('fail on a body that drifted from its schema, naming the request and the field', async () => {
    const res = await app.inject({ url: '/drifted' });
    expect(() => bodyOf(res, EventsResponseSchema)).toThrow(/GET \/drifted answered 200: .*lastSeq/);
    expect(() => bodyOf(res, BombResponseSchema)).toThrow(/bomb/);
  });

  it('fail on an unexpected status, with the body', async () => {
    await expect(inject(app, { url: '/refused' }, { status: 200, schema: BombResponseSchema })).rejects.toThrow(
      /answered 409: expected 200: .*already_claimed/,
    );
    await expect(inject(app, { url: '/events' }, { status: 200, schema: EventsResponseSchema })).resolves.toEqual({
      events: [],
      lastSeq: 7,
    });
  });
});
