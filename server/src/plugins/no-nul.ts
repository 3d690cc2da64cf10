import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sendError } from './errors.ts';

/** Path of the first string holding a NUL character, which PostgreSQL text cannot store. */
function nulPath(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  for (const [key, v] of Object.entries(value)) {
    const found = nulPath(v, path ? `${path}.${key}` : key, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** Refuses NUL in any body, query or path value on every route, before it can reach the database. */
export const noNulPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async (request, reply) => {
      const path =
        nulPath(request.body, '') ??
        nulPath(request.query, '')?.replace(/^/, 'query.') ??
        nulPath(request.params, '')?.replace(/^/, 'params.') ??
        null;
      if (path !== null) {
        return sendError(reply, 400, 'validation_failed', 'Validation failed', {
          fields: [{ path: path || 'body', message: 'Must not contain NUL characters' }],
        });
      }
    });
  },
  { name: 'no-nul', dependencies: ['errors'] },
);
