import { DepartmentParamsSchema, PolicySchema } from '@defuse/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { setDepartmentPolicy } from '../commands/policy.ts';
import type { Deps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { viewerOf } from '../plugins/auth.ts';
import { getDepartment } from '../queries/departments.ts';
import { getPolicy } from '../queries/settings.ts';

export async function policyRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // Deadlines are no secret: a field contact may see when its bomb must be claimed.
  r.get(
    '/api/departments/:id/policy',
    { schema: { tags: ['routing'], params: DepartmentParamsSchema, response: { 200: PolicySchema } } },
    async (request) => {
      if (!(await getDepartment(deps.db, request.params.id))) throw notFound('No such department');
      return getPolicy(deps.db, request.params.id);
    },
  );
  r.put(
    '/api/departments/:id/policy',
    {
      // Leads are found by membership, not role: a pm may lead a department too.
      bodyLimit: 16 * 1024,
      schema: {
        tags: ['routing'],
        params: DepartmentParamsSchema,
        body: PolicySchema,
        response: { 200: PolicySchema },
      },
    },
    async (request) =>
      setDepartmentPolicy(deps, { viewer: viewerOf(request), departmentId: request.params.id, policy: request.body }),
  );
}
