import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sendError } from './errors.ts';

/**
 * Browsers send about twenty headers and a proxy adds a few. Node refuses more than 16 KiB of
 * them but past 2,000 drops the rest silently, so thousands of short ones would otherwise be
 * accepted (and an upgrade completed) with some headers missing.
 */
export const MAX_REQUEST_HEADERS = 100;

/** Refuses a request with too many headers (431) before any hook reads the database. */
export const headerCountPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRequest', async (request, reply) => {
      const count = request.raw.rawHeaders.length / 2;
      if (count > MAX_REQUEST_HEADERS) {
        request.log.warn({ event: 'http.too_many_headers', count }, 'too many request headers');
        reply.header('connection', 'close');
        return sendError(reply, 431, 'payload_too_large', `At most ${MAX_REQUEST_HEADERS} request headers`);
      }
    });
  },
  { name: 'header-count', dependencies: ['errors'] },
);
