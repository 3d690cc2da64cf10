import { is, Param, Placeholder, type Query, sql } from 'drizzle-orm';
import { type DbOrTx, rowsOf } from './types.ts';

/** `sample` with each value replaced by the placeholder `${prefix}${key}`, to build a statement once. */
export function placeholders<T extends object>(prefix: string, sample: T): T {
  return Object.fromEntries(Object.keys(sample).map((k) => [k, sql.placeholder(`${prefix}${k}`)])) as T;
}

/** The values for `placeholders(prefix, …)`. */
export function placeholderValues(prefix: string, values: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix}${k}`, v]));
}

/**
 * Statements drizzle builds once per shape, with placeholders, and then runs in any transaction.
 * Building the filing's write statement afresh cost about half a millisecond of CPU per request:
 * more than everything else the server does for a filing.
 */
export class BuiltStatements {
  private readonly built = new Map<string, Query>();

  async run<R>(
    db: DbOrTx,
    shape: string,
    build: () => { toSQL(): Query },
    values: Record<string, unknown>,
  ): Promise<R[]> {
    let query = this.built.get(shape);
    if (!query) {
      query = build().toSQL();
      this.built.set(shape, query);
    }
    // Filled here rather than by drizzle, whose fillPlaceholders also encodes nulls (and throws on a null date).
    const params = query.params.map((p) => {
      if (!is(p, Param) || !is(p.value, Placeholder)) return p;
      const value = values[p.value.name];
      if (value === undefined) throw new Error(`no value for placeholder ${p.value.name}`);
      return value === null ? null : p.encoder.mapToDriverValue(value);
    });
    return rowsOf<R>(
      await db._.session.prepareQuery({ sql: query.sql, params }, undefined, undefined, false).execute(),
    );
  }
}
