import { randomUUID } from 'node:crypto';
import { STATUS_CODES as HTTP_REASONS } from 'node:http';
import type { Socket } from 'node:net';
import type { ApiError, ErrorCode, FieldError } from '@defuse/shared';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { DomainError } from '../errors.ts';

/**
 * A 503 asks the client back after this long: the circuit breaker probes the database every
 * second (server/src/db/circuit-breaker.ts), so by then it has usually closed again.
 */
export const RETRY_AFTER_SECONDS = 2;

export function sendError(
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  message: string,
  extra: { fields?: FieldError[]; details?: Record<string, unknown> } = {},
) {
  const body: ApiError = { error: { code, message, ...extra, requestId: reply.request.id } };
  if (status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

const BY_FASTIFY_CODE: Record<string, [number, ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'Send JSON with Content-Type: application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'validation_failed', 'Content-Length does not match the body'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', 'The request body is too large'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'validation_failed', 'The JSON body is empty'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'validation_failed', 'The body is not valid JSON'],
};

/**
 * A framework or plugin error's own message can carry the URL, a header or the content type the
 * client sent: each status gets a fixed message instead, so nothing the client wrote is echoed.
 */
const BY_STATUS: Record<number, [ErrorCode, string]> = {
  400: ['validation_failed', 'The request is not valid'],
  401: ['unauthenticated', 'Sign in first'],
  403: ['forbidden', 'You may not do this'],
  404: ['not_found', 'No such route'],
  405: ['not_found', 'No such route'],
  408: ['validation_failed', 'The request took too long to arrive'],
  409: ['conflict', 'The request conflicts with the current state'],
  413: ['payload_too_large', 'The request body is too large'],
  414: ['payload_too_large', 'The URL is too long'],
  415: ['unsupported_media_type', 'Send JSON with Content-Type: application/json'],
  429: ['rate_limited', 'Too many requests; try again later'],
  431: ['payload_too_large', 'The request headers are too large'],
};
const byStatus = (status: number): [ErrorCode, string] =>
  BY_STATUS[status] ?? ['validation_failed', 'The request is not valid'];

const BY_FRAMEWORK_CODE: Record<string, [number, ErrorCode, string]> = {
  FST_ERR_BAD_URL: [400, 'validation_failed', 'The URL is not valid (a bad percent-encoding)'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'payload_too_large', 'The URL is too long'],
};

/**
 * Fastify's `frameworkErrors`: the router's own refusals (a URL that does not decode, a path
 * parameter over `maxParamLength`) in the API shape, without the URL that Fastify would echo.
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const [status, code, message] = (err.code && BY_FRAMEWORK_CODE[err.code]) || [
    500,
    'internal_error',
    'Something went wrong on our side',
  ];
  if (status >= 500) reply.log.error({ err }, 'router error');
  return sendError(reply, status, code, message);
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before there is a request
 * (headers over 16 KiB or over the count, a request line that is not HTTP, a request that took
 * too long) still answers in the API shape, on the raw socket, which is then closed.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const [code, message] = byStatus(status);
  const body = JSON.stringify({ error: { code, message, requestId: randomUUID() } } satisfies ApiError);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${HTTP_REASONS[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function fieldsOf(err: FastifyError): FieldError[] {
  const context = (err as { validationContext?: string }).validationContext;
  const prefix = context && context !== 'body' ? `${context === 'querystring' ? 'query' : context}.` : '';
  return (err.validation ?? []).flatMap((v) => {
    const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const keys = (v.params as { keys?: unknown } | undefined)?.keys;
    if (Array.isArray(keys) && keys.length > 0) {
      return keys.map((k) => ({ path: `${prefix}${path ? `${path}.` : ''}${String(k)}`, message: 'Unknown field' }));
    }
    return [{ path: `${prefix}${path}` || context || 'body', message: v.message ?? 'Invalid value' }];
  });
}

/** Every error leaves in the API's one shape; a 5xx says nothing of its cause but the request id. */
export const errorsPlugin = fp(
  async (app: FastifyInstance, { spa }: { spa: boolean }) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (err instanceof DomainError) {
        // An object-level refusal (claiming outside one's department …) is audited like a role refusal.
        if (err.code === 'forbidden') {
          request.log.warn(
            { event: 'auth.forbidden', personId: request.viewer?.id, url: request.url.split('?')[0] },
            'forbidden',
          );
        }
        // A refusal that ends with time (a sign-in limit) says when, as RFC 9110 Retry-After.
        const retryAfter = err.details?.retryAfterSeconds;
        if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
        return sendError(reply, err.status, err.code, err.message, {
          ...(err.fields && { fields: err.fields }),
          ...(err.details && { details: err.details }),
        });
      }
      if (hasZodFastifySchemaValidationErrors(err) || err.validation) {
        return sendError(reply, 400, 'validation_failed', 'Validation failed', { fields: fieldsOf(err) });
      }
      const known = err.code ? BY_FASTIFY_CODE[err.code] : undefined;
      if (known) return sendError(reply, known[0], known[1], known[2]);
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
        const [code, message] = byStatus(err.statusCode);
        return sendError(reply, err.statusCode, code, message);
      }
      const unavailable = isDatabaseUnavailable(err);
      request.log.error({ err }, unavailable ? 'database unavailable' : 'unhandled error');
      if (unavailable)
        return sendError(reply, 503, 'service_unavailable', 'The service is briefly unavailable; try again');
      return sendError(reply, 500, 'internal_error', 'Something went wrong on our side');
    });

    // The one not-found handler: with a built board, page URLs get index.html (client routing).
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      const isPage =
        (request.method === 'GET' || request.method === 'HEAD') &&
        !path.startsWith('/api') &&
        !path.startsWith('/docs');
      if (spa && isPage) return reply.type('text/html; charset=utf-8').sendFile('index.html');
      return sendError(reply, 404, 'not_found', 'No such route');
    });
  },
  { name: 'errors' },
);
