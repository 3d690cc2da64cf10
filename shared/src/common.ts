import { z } from 'zod';

export const IdSchema = z.uuid();
export const TimeSchema = z.iso.datetime({ offset: true });
const LONE_SURROGATE = /\p{Surrogate}/u;
/** Well-formed Unicode: no half of a surrogate pair without its other half. */
export const isWellFormed = (s: string) => !LONE_SURROGATE.test(s);
export const NOT_UNICODE = 'Must be valid Unicode (no lone surrogates)';
/**
 * Every string a request carries starts here. A lone surrogate ("\ud800") is valid in a JS string
 * but not in UTF-8: the database refuses it (a 500) and no screen can show it, so it is a 400
 * naming the field.
 */
export const text = () => z.string().refine(isWellFormed, NOT_UNICODE);
/** Trimmed, non-empty, bounded text: what every name-like field is. */
export const textField = (max: number) => text().trim().min(1).max(max);
export const SlugSchema = text()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes');
