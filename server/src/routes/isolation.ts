import {
  AssignBuddyResponseSchema,
  AssignBuddySchema,
  GapsQuerySchema,
  GapsResponseSchema,
  IsolationPersonResponseSchema,
  IsolationQuerySchema,
  IsolationResponseSchema,
  PersonParamsSchema,
} from '@defuse/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { assignBuddy } from '../commands/assign-buddy.ts';
import type { Deps } from '../deps.ts';
import { viewerOf } from '../plugins/auth.ts';
import { listOwnershipGaps } from '../queries/isolation-gaps.ts';
import { getPersonIsolation, listIsolation } from '../queries/isolation-read.ts';

export async function isolationRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/isolation',
    {
      config: { roles: ['lead', 'pm', 'admin'] },
      schema: { tags: ['isolation'], querystring: IsolationQuerySchema, response: { 200: IsolationResponseSchema } },
    },
    async (request) => {
      const now = deps.clock.now();
      const page = await listIsolation(deps.db, viewerOf(request), request.query, now);
      return { generatedAt: now.toISOString(), ...page };
    },
  );

  r.get(
    '/api/isolation/gaps',
    {
      config: { roles: ['pm', 'admin'] },
      schema: { tags: ['isolation'], querystring: GapsQuerySchema, response: { 200: GapsResponseSchema } },
    },
    async (request) => listOwnershipGaps(deps.db, viewerOf(request), request.query.days, deps.clock.now()),
  );

  r.get(
    '/api/isolation/:personId',
    {
      schema: {
        tags: ['isolation'],
        params: PersonParamsSchema,
        response: { 200: IsolationPersonResponseSchema },
      },
    },
    async (request) => getPersonIsolation(deps.db, viewerOf(request), request.params.personId, deps.clock.now()),
  );

  r.post(
    '/api/isolation/:personId/buddy',
    {
      config: { roles: ['pm', 'admin'] },
      bodyLimit: 4 * 1024,
      schema: {
        tags: ['isolation'],
        params: PersonParamsSchema,
        body: AssignBuddySchema,
        response: { 200: AssignBuddyResponseSchema },
      },
    },
    async (request) =>
      assignBuddy(deps, {
        viewer: viewerOf(request),
        personId: request.params.personId,
        buddyId: request.body.buddyId,
      }),
  );
}
