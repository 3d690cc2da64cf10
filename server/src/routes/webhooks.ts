import { ListWebhookDeliveriesQuerySchema, WebhookDeliveriesResponseSchema } from '@defuse/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { listDeliveries } from '../queries/webhooks.ts';

export async function webhookRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/webhooks/deliveries',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['webhooks'],
        querystring: ListWebhookDeliveriesQuerySchema,
        response: { 200: WebhookDeliveriesResponseSchema },
      },
    },
    async (request) => ({ items: await listDeliveries(deps.db, request.query) }),
  );
}
