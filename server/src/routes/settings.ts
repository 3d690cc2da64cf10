import { IsolationSettingsSchema } from '@defuse/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { updateIsolationSettings } from '../commands/isolation-settings.ts';
import type { Deps } from '../deps.ts';
import { viewerOf } from '../plugins/auth.ts';
import { getIsolationSettings } from '../queries/isolation.ts';

export async function settingsRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/settings/isolation',
    {
      config: { roles: ['lead', 'pm', 'admin'] },
      schema: { tags: ['isolation'], response: { 200: IsolationSettingsSchema } },
    },
    async () => getIsolationSettings(deps.db),
  );
  r.put(
    '/api/settings/isolation',
    {
      config: { roles: ['admin'] },
      bodyLimit: 16 * 1024,
      schema: { tags: ['isolation'], body: IsolationSettingsSchema, response: { 200: IsolationSettingsSchema } },
    },
    async (request) => updateIsolationSettings(deps, { actor: viewerOf(request), settings: request.body }),
  );
}
