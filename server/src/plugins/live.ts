import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { SESSION_COOKIE } from '../auth/tokens.ts';
import type { Deps } from '../deps.ts';
import { LiveHub, type LiveOptions } from '../live/hub.ts';

declare module 'fastify' {
  interface FastifyInstance {
    liveHub: LiveHub;
  }
}

/** The instance's live hub: started with the app, closed (with its sockets) when the app closes. */
export const livePlugin = fp(
  async (app: FastifyInstance, { deps, options }: { deps: Deps; options?: Partial<LiveOptions> }) => {
    const hub = new LiveHub(deps, options, app.log);
    await hub.start();
    app.decorate('liveHub', hub);
    app.addHook('onClose', () => hub.close());

    // Ending a session closes its sockets here at once; other instances notice at their next re-check.
    app.addHook('onResponse', async (request, reply) => {
      if (reply.statusCode >= 300) return;
      const route = `${request.method} ${request.routeOptions.url}`;
      if (route === 'DELETE /api/session') {
        const token = request.cookies[SESSION_COOKIE];
        if (token) hub.endSession(token);
      } else if (route === 'PATCH /api/people/:id' || route === 'PATCH /api/me') {
        // Disabling or a new password ends the person's sessions; a role or department change alters what they see.
        const params = request.params as { id?: unknown };
        const personId = typeof params.id === 'string' ? params.id : request.viewer?.id;
        if (personId) await hub.revalidate((conn) => conn.viewer.id === personId);
      }
    });
  },
  { name: 'live', dependencies: ['auth'] },
);
