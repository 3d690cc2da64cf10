import { z } from 'zod';
import { IdSchema, text, textField } from './common.ts';
import { LOCALES, ROLES } from './enums.ts';

export const PersonSchema = z.object({
  id: IdSchema,
  name: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  departmentIds: z.array(IdSchema),
  locale: z.enum(LOCALES),
  disabled: z.boolean(),
});
export type Person = z.infer<typeof PersonSchema>;

export const EmailSchema = text().trim().toLowerCase().max(254).pipe(z.email());
/** NIST 800-63B: at least 8, at most a generous bound, no composition rules. */
export const PasswordSchema = text().min(8).max(256);

export const SignInSchema = z.strictObject({ email: text().max(254), password: text().max(256) });
export type SignIn = z.infer<typeof SignInSchema>;

export const CreatePersonSchema = z.strictObject({
  name: textField(120),
  email: EmailSchema,
  role: z.enum(ROLES),
  departmentIds: z.array(IdSchema).max(50).default([]),
  password: PasswordSchema,
  locale: z.enum(LOCALES).optional(),
});
export type CreatePerson = z.infer<typeof CreatePersonSchema>;

export const UpdatePersonSchema = z.strictObject({
  name: textField(120).optional(),
  email: EmailSchema.optional(),
  role: z.enum(ROLES).optional(),
  departmentIds: z.array(IdSchema).max(50).optional(),
  password: PasswordSchema.optional(),
  locale: z.enum(LOCALES).optional(),
  disabled: z.boolean().optional(),
});
export type UpdatePerson = z.infer<typeof UpdatePersonSchema>;

/** What a person may change about themselves. */
export const UpdateMeSchema = z.strictObject({ locale: z.enum(LOCALES) });

export const CreateTokenSchema = z.strictObject({ name: textField(80) });
export const TokenCreatedSchema = z.object({ id: IdSchema, token: z.string() });
