import { z } from 'zod';
import { invalidField } from '../errors.ts';

/** A keyset cursor is the last row's sort key, as opaque text for the client to send back. */
export const encodeCursor = (key: unknown): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/** The sort key back from a cursor the client sent; anything else is a 400 on `query.cursor`. */
export function decodeCursor<T>(text: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidField('query.cursor', 'Invalid cursor');
  return parsed.data;
}

export const cursorId = z.uuid();
