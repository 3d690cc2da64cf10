import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sendError } from './errors.ts';

/** True when every %-escape of the query string decodes to UTF-8 (a bad one throws). */
function decodes(query: string): boolean {
  try {
    decodeURIComponent(query);
    return true;
  } catch {
    return false;
  }
}

/**
 * The router refuses a path that does not percent-decode, but the query parser keeps a bad
 * escape (`?q=%zz`, the UTF-8 of a lone surrogate) as literal text: refuse it the same way,
 * before any hook reads the database.
 */
export const queryEncodingPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRequest', async (request, reply) => {
      const at = request.url.indexOf('?');
      if (at === -1 || !request.url.includes('%', at)) return;
      if (!decodes(request.url.slice(at + 1))) {
        return sendError(reply, 400, 'validation_failed', 'The URL is not valid (a bad percent-encoding)', {
          fields: [{ path: 'query', message: 'Not a valid percent-encoding' }],
        });
      }
    });
  },
  { name: 'query-encoding', dependencies: ['errors'] },
);
