import { is, Param, Placeholder, type Query, sql } from 'drizzle-orm';
import { type DbOrTx, rowsOf } from './types.ts';

/**
 * `sample` with each value replaced by the placeholder for `values[source][key]`, to build a
 * statement once (see BuiltStatements).
 */
export function placeholders<T extends object>(source: string, sample: T): T {
  return Object.fromEntries(Object.keys(sample).map((k) => [k, placeholder(source, k)])) as T;
}

/** One placeholder for `values[source][key]`. */
export const placeholder = (source: string, key: string) => sql.placeholder(`${source}.${key}`);

/**
 * What a built statement's rows must look like (a zod schema fits). The rows bypass drizzle's
 * mapping, so nothing else checks them: a renamed column or a driver that answers a bigint
 * another way fails here, loudly, instead of flowing on as `undefined`.
 */
export interface RowCheck<R> {
  parse(row: unknown): R;
}

/** Where a built statement's parameter comes from: a fixed value, or a key of one of the sources. */
type Fill =
  | { fixed: unknown }
  | { source: string; key: string; name: string; encode: ((value: unknown) => unknown) | null };

/**
 * Statements drizzle builds once per shape, with placeholders, and then runs in any transaction.
 * Building the filing's write statement afresh cost about half a millisecond of CPU per request:
 * more than everything else the server does for a filing. Each run reads its parameters straight
 * from the objects it is given (`values`: source name → object), without building one object of
 * every value under its placeholder's name. Rows come back as the database names their columns
 * (drizzle does not map them): alias with `sql\`…\`.as('name')` any column read by another name;
 * each row is checked against the statement's `row` check before it is answered.
 */
export class BuiltStatements {
  private readonly built = new Map<string, { sql: string; fills: Fill[] }>();

  /** Shapes kept: a statement for many rows is tens of kilobytes; past `keep`, the first built goes. */
  constructor(private readonly keep = 256) {}

  async run<R>(
    db: DbOrTx,
    shape: string,
    build: () => { toSQL(): Query },
    values: Record<string, object | null | undefined>,
    row: RowCheck<R>,
  ): Promise<R[]> {
    let statement = this.built.get(shape);
    if (!statement) {
      const query = build().toSQL();
      statement = { sql: query.sql, fills: query.params.map(toFill) };
      if (this.built.size >= this.keep) this.built.delete(this.built.keys().next().value ?? '');
      this.built.set(shape, statement);
    }
    // Filled here rather than by drizzle, whose fillPlaceholders also encodes nulls (and throws on a null date).
    const params = statement.fills.map((fill) => {
      if ('fixed' in fill) return fill.fixed;
      const value = (values[fill.source] as Record<string, unknown> | null | undefined)?.[fill.key];
      if (value === undefined) throw new Error(`no value for placeholder ${fill.name}`);
      return value === null || !fill.encode ? value : fill.encode(value);
    });
    // drizzle's session runs SQL it did not build the same way as its own: it is the one internal used here.
    const rows = rowsOf<unknown>(
      await db._.session.prepareQuery({ sql: statement.sql, params }, undefined, undefined, false).execute(),
    );
    return rows.map((r, i) => {
      try {
        return row.parse(r);
      } catch (err) {
        throw new Error(`built statement ${shape}: row ${i} is not what it should be`, { cause: err });
      }
    });
  }
}

function toFill(param: unknown): Fill {
  // A column's value comes as a Param holding the placeholder, a placeholder in raw SQL bare.
  const [found, encoder] = is(param, Param) ? [param.value, param.encoder] : [param, undefined];
  if (!is(found, Placeholder)) return { fixed: param };
  const name = found.name;
  const dot = name.indexOf('.');
  return {
    source: name.slice(0, dot),
    key: name.slice(dot + 1),
    name,
    encode: encoder ? (value) => encoder.mapToDriverValue(value) : null,
  };
}
