/**
 * The fields of `after` that differ from `before`, with both values: what an admin.*_updated
 * event records. Values compare as JSON (arrays in order, objects field by field).
 * @example fieldChanges({ name: 'A', slug: 'a' }, { name: 'B', slug: 'a' })
 * // → { changed: ['name'], before: { name: 'A' }, after: { name: 'B' } }
 */
export function fieldChanges<T extends object>(
  before: T,
  after: T,
): { changed: (keyof T & string)[]; before: Partial<T>; after: Partial<T> } {
  const changed = (Object.keys(after) as (keyof T & string)[]).filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
  const pick = (from: T) => Object.fromEntries(changed.map((key) => [key, from[key]])) as Partial<T>;
  return { changed, before: pick(before), after: pick(after) };
}

/** The top-level fields of a setting that differ (the setting itself is recorded whole). */
export function changedFields<T extends object>(before: T | null, after: T): (keyof T & string)[] {
  return before ? fieldChanges(before, after).changed : (Object.keys(after) as (keyof T & string)[]);
}
