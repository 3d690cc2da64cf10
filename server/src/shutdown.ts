import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How long SIGTERM waits for requests and sockets to finish before closing them: longer than any
 * request should take, shorter than the 30 s an orchestrator (Kubernetes, systemd) gives before
 * it kills the process. A websocket whose client never answers the close frame (ws waits 30 s for
 * it), or a request sent only in part, would otherwise hold the shutdown far past that.
 */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Every socket the server accepted, until it closes. Node's closeAllConnections() knows only
 * sockets still speaking HTTP; an upgraded (websocket) socket has left its list.
 */
export function trackSockets(server: Server): { destroyAll(): number } {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    destroyAll() {
      const count = sockets.size;
      for (const socket of sockets) socket.destroy();
      return count;
    },
  };
}
