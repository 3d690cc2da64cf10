import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SERVER = fileURLToPath(new URL('../../server/src', import.meta.url));

/** Ways SQL text could be assembled from strings instead of bound parameters (docs/security.md check 17). */
const FORBIDDEN: [RegExp, string][] = [
  [/\bsql\.raw\s*\(/, 'sql.raw() puts text into SQL unescaped'],
  [/\bsql\.identifier\s*\(/, 'sql.identifier() names a table or column from a value'],
  [/\.unsafe\s*\(/, "postgres.js's unsafe() runs a string as SQL"],
  [/\.(execute|query|exec)\s*\(\s*[`'"]/, 'a query given as a plain string'],
  [/\.(execute|query|exec)\s*\(\s*[A-Za-z_$][\w$]*\s*\+/, 'a query concatenated from strings'],
];

/** Deliberate exceptions, each with its reason: a line here may match a pattern above. */
const ALLOWED: Record<string, string[]> = {
  // preparingAll hands on the statement drizzle built, with its bound parameters, adding prepare: true
  'db/open.ts': ['target.unsafe(query, args, { ...opts, prepare: true })'],
  // the circuit breaker passes drizzle's statement and bound parameters through unchanged
  'db/guarded-client.ts': ['guardedQuery(breaker, target.unsafe(...args))'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('SQL in the server', () => {
  it('goes through drizzle’s builder or bound sql`` parameters only', () => {
    const files = sources(SERVER);
    expect(files.length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n');
      for (const [i, line] of lines.entries()) {
        if ((ALLOWED[relative(SERVER, file)] ?? []).some((allowed) => line.includes(allowed))) continue;
        for (const [pattern, why] of FORBIDDEN) {
          if (pattern.test(line)) found.push(`${relative(SERVER, file)}:${i + 1}: ${why}`);
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('would notice each forbidden form', () => {
    const samples = [
      'db.execute(sql.raw(text))',
      'sql.identifier(req.query.sort)',
      'client.unsafe(`select $1`)',
      "db.execute('select 1')",
      'db.query(prefix + where)',
    ];
    for (const sample of samples)
      expect(
        FORBIDDEN.some(([p]) => p.test(sample)),
        sample,
      ).toBe(true);
    expect(FORBIDDEN.some(([p]) => p.test('db.execute(sql`select $1`)'))).toBe(false);
  });
});
