import {
  BombDetailResponseSchema,
  BombListResponseSchema,
  BombParamsSchema,
  BombResponseSchema,
  FileBombSchema,
  ListBombsQuerySchema,
} from '@defuse/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fileBomb } from '../commands/file-bomb.ts';
import type { Deps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { viewerOf } from '../plugins/auth.ts';
import { toBomb } from '../queries/bomb-row.ts';
import { findVisibleBomb, listBombs } from '../queries/bombs.ts';
import { listBombEvents } from '../queries/events.ts';

/** Printable ASCII, as the IETF draft and Stripe allow; never logged. */
const IdempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional(),
});

export async function bombRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/bombs',
    {
      bodyLimit: 64 * 1024,
      schema: {
        tags: ['bombs'],
        body: FileBombSchema,
        headers: IdempotencyHeaders,
        response: { 201: BombResponseSchema },
      },
    },
    async (request, reply) => {
      const { bomb, replayed } = await fileBomb(deps, {
        viewer: viewerOf(request),
        input: request.body,
        idempotencyKey: request.headers['idempotency-key'],
      });
      if (replayed) reply.header('Idempotency-Replayed', 'true');
      return reply.code(201).send({ bomb });
    },
  );

  r.get(
    '/api/bombs',
    {
      schema: {
        tags: ['bombs'],
        querystring: ListBombsQuerySchema,
        response: { 200: BombListResponseSchema },
      },
    },
    async (request) => listBombs(deps.db, viewerOf(request), request.query),
  );

  r.get(
    '/api/bombs/:id',
    {
      schema: {
        tags: ['bombs'],
        params: BombParamsSchema,
        response: { 200: BombDetailResponseSchema },
      },
    },
    async (request) => {
      const row = await findVisibleBomb(deps.db, viewerOf(request), request.params.id);
      if (!row) throw notFound('No such bomb');
      return { bomb: toBomb(row), events: await listBombEvents(deps.db, row.id) };
    },
  );
}
