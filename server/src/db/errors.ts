/** A unique constraint refused a row; drizzle wraps the driver's error in `cause`. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    // postgres.js names it constraint_name, PGlite constraint
    const { code, constraint_name, constraint: name } = e as Record<string, unknown>;
    if (code === '23505') return (constraint_name ?? name) === constraint;
  }
  return false;
}
