import { AuditQuerySchema, EventsResponseSchema } from '@defuse/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { viewerOf } from '../plugins/auth.ts';
import { auditCsv, listAuditAfter } from '../queries/audit.ts';

const admin = { roles: ['admin'] as const };

/** The audit trail (docs/api.md "Audit"): every admin.* event, for admins only. */
export async function auditRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/audit',
    {
      config: admin,
      schema: { tags: ['audit'], querystring: AuditQuerySchema, response: { 200: EventsResponseSchema } },
    },
    async (request) =>
      listAuditAfter(deps.db, request.query.after, request.query.limit, await app.liveHub.readUpToNow()),
  );

  r.get(
    '/api/audit.csv',
    {
      config: admin,
      schema: {
        tags: ['audit'],
        querystring: z.strictObject({ after: z.coerce.number().int().min(0).default(0) }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const csv = await auditCsv(
        deps.db,
        request.query.after,
        await app.liveHub.readUpToNow(),
        viewerOf(request).locale,
      );
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit.csv"')
        .send(csv);
    },
  );
}
