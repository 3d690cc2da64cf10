import { EventsQuerySchema, EventsResponseSchema } from '@defuse/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { viewerOf } from '../plugins/auth.ts';
import { listVisibleEventsAfter } from '../queries/events.ts';

export async function eventRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get(
      '/api/events',
      { schema: { tags: ['events'], querystring: EventsQuerySchema, response: { 200: EventsResponseSchema } } },
      async (request) =>
        listVisibleEventsAfter(
          deps.db,
          viewerOf(request),
          request.query.after,
          request.query.limit,
          await app.liveHub.readUpToNow(),
        ),
    );
}
