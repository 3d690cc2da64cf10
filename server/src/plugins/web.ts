import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sendError } from './errors.ts';

/** Serves the built board; any other GET outside /api and /docs gets index.html (client routing). */
export const webPlugin = fp(
  async (app: FastifyInstance, { root }: { root: string }) => {
    if (!existsSync(join(root, 'index.html'))) {
      app.log.warn({ root }, 'no web build found; run pnpm build');
      return;
    }
    await app.register(fastifyStatic, { root, wildcard: false, index: false });
    // The errors plugin owns the not-found handler (one per instance), so client routes are a
    // catch-all GET instead: more specific routes (/api, /docs, static files) still win.
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      if (!path.startsWith('/api') && !path.startsWith('/docs')) {
        return reply.type('text/html; charset=utf-8').sendFile('index.html');
      }
      return sendError(reply, 404, 'not_found', `No route ${request.method} ${path}`);
    });
  },
  { name: 'web', dependencies: ['errors'] },
);
