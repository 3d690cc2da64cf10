/** A unique constraint refused a row; drizzle wraps the driver's error in `cause`. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    // postgres.js names it constraint_name, PGlite constraint
    const { code, constraint_name, constraint: name } = e as Record<string, unknown>;
    if (code === '23505') return (constraint_name ?? name) === constraint;
  }
  return false;
}

/** Refused at once because the database is known to be away (the circuit breaker is open). */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
  constructor() {
    super('The database is unreachable');
  }
}

/** The connection itself failed: the database is stopped, restarting or unreachable. */
const OUTAGE_CODES = new Set([
  'DATABASE_UNAVAILABLE',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  // drizzle wraps the driver's error in `cause`
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
  }
  return codes;
}

/** The database is away: what opens the circuit breaker. */
export function isDatabaseOutage(err: unknown): boolean {
  return codesOf(err).some((code) => OUTAGE_CODES.has(code));
}

/**
 * A 503 the client may retry, not a 500: the database is away, or a statement ran past the
 * statement timeout (57014, query_canceled: the database is overloaded, or a breaker cut it).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return codesOf(err).some((code) => OUTAGE_CODES.has(code) || code === '57014');
}

/** The PostgreSQL error code (SQLSTATE) of `err` or of an error it wraps; undefined for any other error. */
export function postgresCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    // A server's error report (postgres.js and PGlite alike) carries a severity; a socket's error a code only.
    const { code, severity } = e as Record<string, unknown>;
    if (typeof code === 'string' && typeof severity === 'string') return code;
  }
  return undefined;
}

/**
 * An error that one row of a statement causes, not the statement or the connection: a unique
 * violation (23505) or a check violation (23514). A group of changes that fails with one may
 * succeed without the row at fault, so each goes again alone; any other error would fail alone too.
 */
export const isRowError = (err: unknown) => {
  const code = postgresCode(err);
  return code === '23505' || code === '23514';
};
