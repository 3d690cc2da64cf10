import type { ErrorCode, FieldError } from '@defuse/shared';

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  invalid_credentials: 401,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  already_claimed: 409,
  invalid_transition: 409,
  version_conflict: 409,
  idempotency_in_progress: 409,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  rate_limited: 429,
  service_unavailable: 503,
  internal_error: 500,
};

/** A refusal the client caused and can read: becomes the API error shape with its status. */
export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export const notFound = (what = 'Not found') => new DomainError('not_found', what);
export const forbidden = (what = 'You may not do this') => new DomainError('forbidden', what);
export const invalidField = (path: string, message: string) =>
  new DomainError('validation_failed', 'Validation failed', [{ path, message }]);
/** Too many attempts: try again after `retryAfterSeconds` (sent as the Retry-After header too). */
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new DomainError('rate_limited', message, undefined, { retryAfterSeconds });
