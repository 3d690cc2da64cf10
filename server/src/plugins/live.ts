import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type WebSocket from 'ws';
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
  },
  { name: 'live', dependencies: ['auth'] },
);

/**
 * A frame ws refuses (reserved bits, unknown opcode, unmasked, too large, too many fragments) has
 * already been answered with a close frame; it is the client's fault, so a warning, not an error
 * a flood of bad frames could fill the error log with.
 */
export function liveSocketError(error: Error, socket: WebSocket, request: FastifyRequest): void {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('WS_ERR_')) {
    request.log.warn({ event: 'live.protocol_error', code }, `websocket closed: ${error.message}`);
  } else {
    request.log.error({ err: error }, 'websocket failed');
  }
  socket.terminate();
}
