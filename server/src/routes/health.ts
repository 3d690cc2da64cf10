import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pingDatabase } from '../db/open.ts';
import type { Deps } from '../deps.ts';
import { sendError } from '../plugins/errors.ts';

export async function healthRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/health',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        response: { 200: z.object({ ok: z.literal(true), database: z.enum(['pglite', 'postgres']) }) },
      },
    },
    async (request, reply) => {
      try {
        await pingDatabase(deps.db);
      } catch (err) {
        request.log.warn({ err }, 'health: database unreachable');
        return sendError(reply, 503, 'service_unavailable', 'Database unreachable');
      }
      return { ok: true as const, database: deps.dbKind };
    },
  );
}
