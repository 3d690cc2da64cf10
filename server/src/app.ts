import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import helmet from 'helmet';
import type { Config } from './config.ts';
import type { Deps } from './deps.ts';
import type { LiveOptions } from './live/hub.ts';
import { authPlugin } from './plugins/auth.ts';
import { docsPlugin } from './plugins/docs.ts';
import { clientErrorHandler, errorsPlugin, frameworkErrors } from './plugins/errors.ts';
import { headerCountPlugin } from './plugins/header-count.ts';
import { livePlugin, liveSocketError } from './plugins/live.ts';
import { noNulPlugin } from './plugins/no-nul.ts';
import { queryEncodingPlugin } from './plugins/query-encoding.ts';
import { upgradesPlugin } from './plugins/upgrades.ts';
import { hasWebBuild, webPlugin } from './plugins/web.ts';
import { adminRoutes } from './routes/admin.ts';
import { auditRoutes } from './routes/audit.ts';
import { bombActionRoutes } from './routes/bomb-actions.ts';
import { bombRoutes } from './routes/bombs.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { eventRoutes } from './routes/events.ts';
import { feedbackRoutes } from './routes/feedback.ts';
import { healthRoutes } from './routes/health.ts';
import { isolationRoutes } from './routes/isolation.ts';
import { liveRoutes } from './routes/live.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { policyRoutes } from './routes/policies.ts';
import { routingRoutes } from './routes/routing.ts';
import { sessionRoutes } from './routes/session.ts';
import { settingsRoutes } from './routes/settings.ts';
import { webhookRoutes } from './routes/webhooks.ts';

export const WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface BuildOptions {
  config: Pick<Config, 'publicOrigins' | 'secureCookies' | 'trustProxy' | 'logLevel'>;
  /** Where the built board lives; omitted in API tests. */
  webRoot?: string;
  /** false for no log (tests), or a stream to write JSON lines to; stdout when omitted. */
  logger?: false | { stream: NodeJS.WritableStream };
  /** Live stream tuning (heartbeat, buffers, limits); defaults suit production. */
  live?: Partial<LiveOptions>;
}

/** The only way to make an app: production, tests and benchmarks all come through here. */
export async function buildApp(deps: Deps, options: BuildOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            ...(options.logger && { stream: options.logger.stream }),
            redact: [
              'req.headers.cookie',
              'req.headers.authorization',
              'req.headers["idempotency-key"]',
              'res.headers["set-cookie"]',
            ],
            ...(!options.logger &&
              process.stdout.isTTY && { transport: { target: 'pino-pretty', options: { singleLine: true } } }),
          },
    bodyLimit: 1024 * 1024,
    requestTimeout: 30_000,
    connectionTimeout: 30_000,
    trustProxy: config.trustProxy ?? false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    genReqId: () => crypto.randomUUID(),
    routerOptions: { maxParamLength: 200 },
    // The router's and Node's HTTP parser's refusals, in the API shape too (plugins/errors.ts).
    frameworkErrors,
    clientErrorHandler,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a text/plain or form body is what a cross-site form would send.
  app.removeContentTypeParser('text/plain');

  const spa = hasWebBuild(options.webRoot);
  if (options.webRoot && !spa) app.log.warn({ root: options.webRoot }, 'no web build found; run pnpm build');
  await app.register(errorsPlugin, { spa });
  // First: it counts upgrades before any other hook may refuse one, and closes each refused one.
  await app.register(upgradesPlugin);
  await app.register(headerCountPlugin);
  await app.register(queryEncodingPlugin);
  await app.register(noNulPlugin);
  // Built once: @fastify/helmet rebuilt the middleware, CSP parsing included, on every request.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        connectSrc: ["'self'", ...config.publicOrigins.map((o) => o.replace(/^http/, 'ws'))],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        // Over plain http on a LAN this directive makes the browser ask for every asset over https: a blank page.
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    hsts: config.secureCookies,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (err?: unknown) =>
      err === undefined ? done() : done(err instanceof Error ? err : new Error(String(err))),
    ),
  );
  await app.register(cookie);
  await app.register(websocket, {
    // Clients send only small pings, never fragmented: a few fragments and chunks are plenty, and
    // set here rather than left to ws's defaults (16,384 fragments, 65,536 chunks per socket).
    options: { maxPayload: 64 * 1024, maxFragments: 16, maxBufferedChunks: 1024, perMessageDeflate: false },
    errorHandler: liveSocketError,
  });
  await app.register(docsPlugin);
  await app.register(authPlugin, { deps, origins: config.publicOrigins });

  await app.register(healthRoutes, { deps });
  await app.register(sessionRoutes, { deps, secureCookies: config.secureCookies });
  await app.register(adminRoutes, { deps });
  await app.register(bombRoutes, { deps });
  await app.register(eventRoutes, { deps });
  await app.register(dashboardRoutes, { deps });
  await app.register(bombActionRoutes, { deps });
  await app.register(routingRoutes, { deps });
  await app.register(policyRoutes, { deps });
  await app.register(webhookRoutes, { deps });
  await app.register(notificationRoutes, { deps });
  await app.register(livePlugin, { deps, ...(options.live && { options: options.live }) });
  await app.register(liveRoutes, { origins: config.publicOrigins });
  await app.register(isolationRoutes, { deps });
  await app.register(feedbackRoutes, { deps });
  await app.register(settingsRoutes, { deps });
  await app.register(auditRoutes, { deps });

  if (spa && options.webRoot) await app.register(webPlugin, { root: options.webRoot });
  return app;
}
