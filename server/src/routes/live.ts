import { LIVE_CLOSE, LiveQuerySchema } from '@defuse/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SESSION_COOKIE } from '../auth/tokens.ts';
import type { Credential } from '../live/connection.ts';
import { bearerOf, viewerOf } from '../plugins/auth.ts';
import { sendError } from '../plugins/errors.ts';

/**
 * GET /api/live?after=SEQ: the auth hook has already refused an unauthenticated upgrade (401);
 * here a browser page from a foreign origin is refused (403) before the handshake completes, since
 * the browser sends our cookie along with any page's websocket (cross-site websocket hijacking).
 */
export async function liveRoutes(app: FastifyInstance, { origins }: { origins: readonly string[] }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/live',
    {
      websocket: true,
      schema: { tags: ['events'], querystring: LiveQuerySchema },
      onRequest: async (request, reply) => {
        const origin = request.headers.origin;
        if (origin !== undefined && !origins.includes(origin)) {
          request.log.warn({ event: 'auth.origin_refused', origin }, 'websocket origin refused');
          return sendError(reply, 403, 'forbidden', 'Origin not allowed');
        }
      },
    },
    (socket, request) => {
      const bearer = bearerOf(request);
      const cookie = request.cookies[SESSION_COOKIE];
      const credential: Credential | undefined =
        request.authMethod === 'bearer' && bearer
          ? { method: 'bearer', token: bearer }
          : cookie
            ? { method: 'cookie', token: cookie }
            : undefined;
      if (!credential) {
        socket.close(LIVE_CLOSE.policy, 'unauthenticated');
        return;
      }
      void app.liveHub.accept(socket, viewerOf(request), credential, request.query.after);
    },
  );
}
