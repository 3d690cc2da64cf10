import { z } from 'zod';

export const IdSchema = z.uuid();
export const TimeSchema = z.iso.datetime({ offset: true });
/** Trimmed, non-empty, bounded text: what every name-like field is. */
export const textField = (max: number) => z.string().trim().min(1).max(max);
export const SlugSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes');
