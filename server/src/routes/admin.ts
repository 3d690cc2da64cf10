import {
  CreateDepartmentSchema,
  CreatePersonSchema,
  CreateProductSchema,
  DepartmentListResponseSchema,
  DepartmentSavedSchema,
  IdSchema,
  PersonListResponseSchema,
  PersonResponseSchema,
  ProductListResponseSchema,
  ProductResponseSchema,
  UpdateDepartmentSchema,
  UpdatePersonSchema,
  UpdateProductSchema,
} from '@defuse/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createDepartment, updateDepartment } from '../commands/departments.ts';
import { createPerson, updatePerson } from '../commands/people.ts';
import { createProduct, updateProduct } from '../commands/products.ts';
import type { Deps } from '../deps.ts';
import { viewerOf } from '../plugins/auth.ts';
import { listDepartments, listProducts } from '../queries/departments.ts';
import { listPeople } from '../queries/people.ts';

const Params = z.strictObject({ id: IdSchema });
const admin = { roles: ['admin'] as const };
/** Everyone signed in reads the directory: names on the board need it. */
const anyone = {};

export async function adminRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/people',
    { config: anyone, schema: { tags: ['people'], response: { 200: PersonListResponseSchema } } },
    async () => ({
      items: await listPeople(deps.db),
    }),
  );
  r.post(
    '/api/people',
    {
      config: admin,
      schema: { tags: ['people'], body: CreatePersonSchema, response: { 201: PersonResponseSchema } },
    },
    async (request, reply) =>
      reply.code(201).send({ person: await createPerson(deps, { actor: viewerOf(request), input: request.body }) }),
  );
  r.patch(
    '/api/people/:id',
    {
      config: admin,
      schema: {
        tags: ['people'],
        params: Params,
        body: UpdatePersonSchema,
        response: { 200: PersonResponseSchema },
      },
    },
    async (request) => ({
      person: await updatePerson(deps, {
        id: request.params.id,
        patch: request.body,
        admin: viewerOf(request),
        bySessionId: request.sessionId,
      }),
    }),
  );

  r.get(
    '/api/departments',
    {
      config: anyone,
      schema: { tags: ['departments'], response: { 200: DepartmentListResponseSchema } },
    },
    async (request) => ({
      items: await listDepartments(deps.db, { withWebhookUrls: viewerOf(request).role === 'admin' }),
    }),
  );
  r.post(
    '/api/departments',
    {
      config: admin,
      schema: {
        tags: ['departments'],
        body: CreateDepartmentSchema,
        response: { 201: DepartmentSavedSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createDepartment(deps, { actor: viewerOf(request), input: request.body })),
  );
  r.patch(
    '/api/departments/:id',
    {
      config: admin,
      schema: {
        tags: ['departments'],
        params: Params,
        body: UpdateDepartmentSchema,
        response: { 200: DepartmentSavedSchema },
      },
    },
    async (request) => updateDepartment(deps, { actor: viewerOf(request), id: request.params.id, patch: request.body }),
  );

  r.get(
    '/api/products',
    { config: anyone, schema: { tags: ['products'], response: { 200: ProductListResponseSchema } } },
    async () => ({
      items: await listProducts(deps.db),
    }),
  );
  r.post(
    '/api/products',
    {
      config: admin,
      schema: {
        tags: ['products'],
        body: CreateProductSchema,
        response: { 201: ProductResponseSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send({ product: await createProduct(deps, { actor: viewerOf(request), input: request.body }) }),
  );
  r.patch(
    '/api/products/:id',
    {
      config: admin,
      schema: {
        tags: ['products'],
        params: Params,
        body: UpdateProductSchema,
        response: { 200: ProductResponseSchema },
      },
    },
    async (request) => ({
      product: await updateProduct(deps, { actor: viewerOf(request), id: request.params.id, patch: request.body }),
    }),
  );
}
