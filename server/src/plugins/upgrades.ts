import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sendError } from './errors.ts';

/**
 * Websocket upgrades from one address that may be in progress at once (handshake received, not yet
 * authenticated). A browser opens one live socket per tab, and a reconnect replaces the old one;
 * twenty allows an office behind one NAT address its reconnect storm after a restart, while one
 * client cannot hold hundreds of sockets open waiting on the auth hook.
 */
export const MAX_UPGRADES_IN_PROGRESS = 20;

/** Node marks a request that came through the 'upgrade' event (not in its typings). */
const isUpgrade = (raw: IncomingMessage) => (raw as IncomingMessage & { upgrade?: boolean }).upgrade === true;

/**
 * An upgrade request arrives on a socket Node has already handed over (the 'upgrade' event): no
 * HTTP keep-alive, timeout or close applies to it any more. @fastify/websocket destroys it after a
 * refusal only if its own onRequest hook ran, and a refusal by an earlier hook (431 for too many
 * headers) skipped it, leaving the socket open for ever (CLOSE-WAIT once the client left). So
 * every upgrade answered with an HTTP response is closed here, whichever hook refused it.
 */
export const upgradesPlugin = fp(
  async (app: FastifyInstance) => {
    const inProgress = new Map<string, number>();
    const release = new WeakMap<IncomingMessage, () => void>();

    app.addHook('onRequest', async (request, reply) => {
      if (!isUpgrade(request.raw)) return;
      const address = request.ip;
      const count = inProgress.get(address) ?? 0;
      if (count >= MAX_UPGRADES_IN_PROGRESS) {
        request.log.warn({ event: 'live.upgrades_limited', address }, 'too many websocket upgrades in progress');
        return sendError(reply, 429, 'rate_limited', 'Too many websocket connections being opened; try again');
      }
      inProgress.set(address, count + 1);
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        const left = (inProgress.get(address) ?? 1) - 1;
        if (left > 0) inProgress.set(address, left);
        else inProgress.delete(address);
      };
      release.set(request.raw, finish);
      request.raw.socket.once('close', finish);
    });

    // Every onRequest hook, auth included, let it through: no longer an unauthenticated upgrade.
    app.addHook('preHandler', async (request) => {
      if (isUpgrade(request.raw)) release.get(request.raw)?.();
    });

    // Refused (answered in HTTP rather than upgraded): the socket is no use to anyone now.
    app.addHook('onResponse', async (request) => {
      if (isUpgrade(request.raw)) request.raw.socket.destroy();
    });
  },
  { name: 'upgrades', dependencies: ['errors'] },
);
