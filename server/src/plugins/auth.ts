import '@fastify/cookie';
import type { Role } from '@defuse/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { SessionCache } from '../auth/session-cache.ts';
import { SESSION_COOKIE } from '../auth/tokens.ts';
import { resolveApiToken, resolveSession } from '../commands/sessions.ts';
import type { Deps } from '../deps.ts';
import type { Viewer } from '../viewer.ts';
import { boardLocale } from './board-language.ts';
import { sendError } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No sign-in needed (health, sign-in, docs). */
    public?: boolean;
    /**
     * A public route whose request carries its own proof (a signed link) and changes only what
     * that proof names: it may come from any Origin (a mail client's one-click unsubscribe).
     */
    anyOrigin?: boolean;
    /** Only these roles may call the route. */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    viewer: Viewer | null;
    authMethod: 'cookie' | 'bearer' | null;
    /** The cookie session behind the request (null for a bearer token), kept when its own person's password changes. */
    sessionId: string | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A cookie request that changes state must come from an allowed Origin, or say it is same-origin. */
export function originAllowed(request: FastifyRequest, allowed: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined) return allowed.includes(origin);
  return request.headers['sec-fetch-site'] === 'same-origin';
}

export function bearerOf(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
}

export async function authenticate(
  deps: Pick<Deps, 'db' | 'clock'>,
  request: FastifyRequest,
  sessionCache?: SessionCache,
): Promise<{ viewer: Viewer; method: 'cookie' | 'bearer'; sessionId: string | null } | null> {
  const bearer = bearerOf(request);
  if (bearer) {
    const viewer = await resolveApiToken(deps, bearer);
    return viewer ? { viewer, method: 'bearer', sessionId: null } : null;
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie) {
    const session = await resolveSession(deps, cookie, sessionCache);
    return session ? { viewer: session.viewer, method: 'cookie', sessionId: session.sessionId } : null;
  }
  return null;
}

export const authPlugin = fp(
  async (
    app: FastifyInstance,
    { deps, origins }: { deps: Pick<Deps, 'db' | 'clock' | 'signal'>; origins: readonly string[] },
  ) => {
    app.decorateRequest('viewer', null);
    app.decorateRequest('authMethod', null);
    app.decorateRequest('sessionId', null);
    // Only where changes to people are heard can a resolved session be kept at all.
    const subscribe = deps.signal.subscribePeople?.bind(deps.signal);
    const sessionCache = subscribe ? new SessionCache() : undefined;
    if (subscribe && sessionCache) {
      const unsubscribe = subscribe((personId) => sessionCache.drop(personId));
      app.addHook('onClose', async () => unsubscribe());
    }

    app.addHook('onRequest', async (request, reply) => {
      const config = request.routeOptions.config;
      // No route matched: let the not-found handler answer 404 rather than ask for a sign-in.
      const unmatched = request.routeOptions.url === undefined;
      if (!request.url.startsWith('/api/') || config.public || unmatched) {
        // Sign-in from a foreign page is refused too (login CSRF).
        const foreign = request.headers.origin && !origins.includes(request.headers.origin);
        if (!SAFE_METHODS.has(request.method) && foreign && !(config.public && config.anyOrigin)) {
          return sendError(reply, 403, 'forbidden', 'Origin not allowed');
        }
        return;
      }
      const auth = await authenticate(deps, request, sessionCache);
      if (!auth) {
        request.log.info({ event: 'auth.unauthenticated', url: request.url.split('?')[0] }, 'unauthenticated request');
        return sendError(reply, 401, 'unauthenticated', 'Sign in first');
      }
      if (auth.method === 'cookie' && !SAFE_METHODS.has(request.method) && !originAllowed(request, origins)) {
        request.log.warn({ event: 'auth.origin_refused', origin: request.headers.origin }, 'origin refused');
        return sendError(reply, 403, 'forbidden', 'Origin not allowed');
      }
      if (config.roles && !config.roles.includes(auth.viewer.role)) {
        request.log.warn(
          { event: 'auth.forbidden', personId: auth.viewer.id, url: request.url.split('?')[0] },
          'forbidden',
        );
        return sendError(reply, 403, 'forbidden', 'Your role may not do this');
      }
      const locale = boardLocale(request.headers['accept-language'], auth.viewer.locale);
      // A copy: the resolved viewer may be the session cache's, shared by other requests.
      request.viewer = locale === auth.viewer.locale ? auth.viewer : { ...auth.viewer, locale };
      request.authMethod = auth.method;
      request.sessionId = auth.sessionId;
    });
  },
  { name: 'auth', dependencies: ['errors'] },
);

/** The signed-in viewer; routes reach here only after the auth hook accepted the request. */
export function viewerOf(request: FastifyRequest): Viewer {
  if (!request.viewer) throw new Error('viewerOf called on a public route');
  return request.viewer;
}
