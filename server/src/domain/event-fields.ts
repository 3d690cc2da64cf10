/**
 * Reading event data defensively, in one place: `data` is a JSON object whose shape depends on the
 * event type. Whatever a field holds, these answer the type asked for or null, never throw.
 */
type Data = Record<string, unknown>;

export function textIn(data: Data, field: string): string | null {
  const value = data[field];
  return typeof value === 'string' ? value : null;
}

export function numberIn(data: Data, field: string): number | null {
  const value = data[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function booleanIn(data: Data, field: string): boolean {
  return data[field] === true;
}

/** The bomb after the change, as bomb events carry it in `data.bomb`. */
export function bombIn(data: Data): Data | null {
  const bomb = data.bomb;
  return typeof bomb === 'object' && bomb !== null && !Array.isArray(bomb) ? (bomb as Data) : null;
}
