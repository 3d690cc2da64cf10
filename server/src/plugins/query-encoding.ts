import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sendError } from './errors.ts';

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first query parameter whose name or value has a %-escape that does not decode to UTF-8,
 * named so the error points at it (`cursor`), or `query` when even its name does not decode.
 */
export function badQueryField(query: string): string | null {
  for (const pair of query.split('&')) {
    const [name = '', value = ''] = pair.split('=', 2);
    if (!decodes(name)) return 'query';
    if (!decodes(value)) return name;
  }
  return null;
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
      const field = badQueryField(request.url.slice(at + 1));
      if (field !== null) {
        return sendError(reply, 400, 'validation_failed', 'The URL is not valid (a bad percent-encoding)', {
          fields: [{ path: field, message: 'Not a valid percent-encoding' }],
        });
      }
    });
  },
  { name: 'query-encoding', dependencies: ['errors'] },
);
