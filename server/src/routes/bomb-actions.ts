import {
  BombParamsSchema,
  BombResponseSchema,
  CommentResponseSchema,
  CommentSchema,
  DeclineSchema,
  IfMatchHeadersSchema,
  RerouteSchema,
  TransitionSchema,
} from '@defuse/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ActionRequest } from '../commands/bomb-change.ts';
import { joinBomb, leaveBomb } from '../commands/bomb-helpers.ts';
import { claimBomb } from '../commands/claim-bomb.ts';
import { commentBomb } from '../commands/comment-bomb.ts';
import { declineBomb } from '../commands/decline-bomb.ts';
import { rerouteBomb } from '../commands/reroute-bomb.ts';
import { transitionBomb } from '../commands/transition-bomb.ts';
import type { Deps } from '../deps.ts';
import { viewerOf } from '../plugins/auth.ts';

/** Who acts on which bomb, and at which version when the client sent If-Match. */
function actionOf(
  request: FastifyRequest<{ Params: { id: string }; Headers: { 'if-match'?: string } }>,
): ActionRequest {
  const tag = request.headers['if-match'];
  const digits = tag ? /\d+/.exec(tag)?.[0] : undefined;
  return { viewer: viewerOf(request), bombId: request.params.id, ifMatch: digits ? Number(digits) : undefined };
}

const base = { tags: ['bomb actions'], params: BombParamsSchema, headers: IfMatchHeadersSchema };
const bombResponse = { 200: BombResponseSchema };

export async function bombActionRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/bombs/:id/claim', { schema: { ...base, response: bombResponse } }, async (request) => ({
    bomb: await claimBomb(deps, actionOf(request)),
  }));

  r.post(
    '/api/bombs/:id/decline',
    { bodyLimit: 16 * 1024, schema: { ...base, body: DeclineSchema, response: bombResponse } },
    async (request) => ({ bomb: await declineBomb(deps, { ...actionOf(request), ...request.body }) }),
  );

  r.post(
    '/api/bombs/:id/reroute',
    { bodyLimit: 16 * 1024, schema: { ...base, body: RerouteSchema, response: bombResponse } },
    async (request) => ({ bomb: await rerouteBomb(deps, { ...actionOf(request), ...request.body }) }),
  );

  r.post(
    '/api/bombs/:id/transition',
    { bodyLimit: 16 * 1024, schema: { ...base, body: TransitionSchema, response: bombResponse } },
    async (request) => ({ bomb: await transitionBomb(deps, { ...actionOf(request), ...request.body }) }),
  );

  r.post(
    '/api/bombs/:id/comments',
    { bodyLimit: 64 * 1024, schema: { ...base, body: CommentSchema, response: { 201: CommentResponseSchema } } },
    async (request, reply) =>
      reply.code(201).send({ event: await commentBomb(deps, { ...actionOf(request), body: request.body.body }) }),
  );

  r.post('/api/bombs/:id/helpers', { schema: { ...base, response: bombResponse } }, async (request) => ({
    bomb: await joinBomb(deps, actionOf(request)),
  }));

  r.delete('/api/bombs/:id/helpers/me', { schema: { ...base, response: bombResponse } }, async (request) => ({
    bomb: await leaveBomb(deps, actionOf(request)),
  }));
}
