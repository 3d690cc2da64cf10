import { EscalationSettingsSchema, RoutingTableSchema } from '@defuse/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { setEscalationSettings } from '../commands/policy.ts';
import { putRoutingTable } from '../commands/routing.ts';
import type { Deps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { viewerOf } from '../plugins/auth.ts';
import { getEscalationSettings } from '../queries/escalation-settings.ts';
import { getRoutingTable } from '../queries/settings.ts';

const admin = { roles: ['admin'] as const };
const managers = { roles: ['pm', 'admin'] as const };

export async function routingRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/routing',
    { config: managers, schema: { tags: ['routing'], response: { 200: RoutingTableSchema } } },
    async () => {
      const table = await getRoutingTable(deps.db);
      if (!table) throw notFound('No routing table yet: create a department first');
      return table;
    },
  );
  r.put(
    '/api/routing',
    {
      config: admin,
      bodyLimit: 256 * 1024,
      schema: { tags: ['routing'], body: RoutingTableSchema, response: { 200: RoutingTableSchema } },
    },
    async (request) => putRoutingTable(deps, { actor: viewerOf(request), table: request.body }),
  );

  r.get(
    '/api/settings/escalation',
    { config: managers, schema: { tags: ['routing'], response: { 200: EscalationSettingsSchema } } },
    async () => getEscalationSettings(deps.db),
  );
  r.put(
    '/api/settings/escalation',
    {
      config: admin,
      schema: { tags: ['routing'], body: EscalationSettingsSchema, response: { 200: EscalationSettingsSchema } },
    },
    async (request) => setEscalationSettings(deps, { actor: viewerOf(request), settings: request.body }),
  );
}
