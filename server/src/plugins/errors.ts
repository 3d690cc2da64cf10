import type { ApiError, ErrorCode, FieldError } from '@defuse/shared';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
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

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

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
        const code = STATUS_CODES[err.statusCode] ?? 'validation_failed';
        return sendError(reply, err.statusCode, code, err.message);
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
      return sendError(reply, 404, 'not_found', `No route ${request.method} ${path}`);
    });
  },
  { name: 'errors' },
);
