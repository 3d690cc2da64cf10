/** A unique constraint refused a row; drizzle wraps the driver's error in `cause`. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    // postgres.js names it constraint_name, PGlite constraint
    const { code, constraint_name, constraint: name } = e as Record<string, unknown>;
    if (code === '23505') return (constraint_name ?? name) === constraint;
  }
  return false;
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
