import {
  CreateTokenSchema,
  IdSchema,
  PersonResponseSchema,
  SignInSchema,
  TokenCreatedSchema,
  TokenListQuerySchema,
  TokenListSchema,
  UpdateMeSchema,
} from '@defuse/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SESSION_ABSOLUTE_SECONDS, SESSION_COOKIE } from '../auth/tokens.ts';
import { createApiToken, revokeApiToken } from '../commands/api-tokens.ts';
import { updatePerson } from '../commands/people.ts';
import { signIn, signOut } from '../commands/sessions.ts';
import type { Deps } from '../deps.ts';
import { DomainError, notFound } from '../errors.ts';
import { viewerOf } from '../plugins/auth.ts';
import { listApiTokensFor } from '../queries/api-tokens.ts';
import { getPerson } from '../queries/people.ts';

export async function sessionRoutes(
  app: FastifyInstance,
  { deps, secureCookies }: { deps: Deps; secureCookies: boolean },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/session',
    {
      config: { public: true },
      bodyLimit: 4096,
      schema: { tags: ['session'], body: SignInSchema, response: { 200: PersonResponseSchema } },
    },
    async (request, reply) => {
      const { token, person } = await signIn(deps, { credentials: request.body, address: request.ip }).catch(
        (err: unknown) => {
          // For the audit trail: which address failed and why, never the email or password tried.
          if (err instanceof DomainError) {
            request.log.warn({ event: 'auth.sign_in_failed', reason: err.code, address: request.ip }, 'sign-in failed');
          }
          throw err;
        },
      );
      request.log.info({ event: 'auth.signed_in', personId: person.id }, 'signed in');
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        secure: secureCookies,
        maxAge: SESSION_ABSOLUTE_SECONDS,
      });
      return { person };
    },
  );

  r.delete('/api/session', { config: { public: true }, schema: { tags: ['session'] } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await signOut(deps, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  r.get('/api/me', { schema: { tags: ['session'], response: { 200: PersonResponseSchema } } }, async (request) => {
    const person = await getPerson(deps.db, viewerOf(request).id);
    if (!person) throw notFound();
    return { person };
  });

  r.patch(
    '/api/me',
    { schema: { tags: ['session'], body: UpdateMeSchema, response: { 200: PersonResponseSchema } } },
    async (request) => ({ person: await updatePerson(deps, { id: viewerOf(request).id, patch: request.body }) }),
  );

  r.post(
    '/api/tokens',
    {
      bodyLimit: 4096,
      schema: { tags: ['session'], body: CreateTokenSchema, response: { 201: TokenCreatedSchema } },
    },
    async (request, reply) => {
      const created = await createApiToken(deps, { viewer: viewerOf(request), input: request.body });
      return reply.code(201).send(created);
    },
  );

  r.get(
    '/api/tokens',
    { schema: { tags: ['session'], querystring: TokenListQuerySchema, response: { 200: TokenListSchema } } },
    async (request) => ({ items: await listApiTokensFor(deps.db, viewerOf(request), request.query.personId) }),
  );

  r.delete(
    '/api/tokens/:id',
    { schema: { tags: ['session'], params: z.strictObject({ id: IdSchema }) } },
    async (request, reply) => {
      await revokeApiToken(deps, { viewer: viewerOf(request), id: request.params.id });
      return reply.code(204).send();
    },
  );
}
