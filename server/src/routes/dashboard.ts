import { DashboardQuerySchema, DashboardResponseSchema } from '@defuse/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { viewerOf } from '../plugins/auth.ts';
import { getDashboard } from '../queries/dashboard.ts';

export async function dashboardRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/dashboard',
    {
      config: { roles: ['lead', 'pm', 'admin'] },
      schema: { tags: ['dashboard'], querystring: DashboardQuerySchema, response: { 200: DashboardResponseSchema } },
    },
    async (request) => getDashboard(deps.db, viewerOf(request), request.query, deps.clock.now()),
  );
}
