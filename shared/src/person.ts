import { z } from 'zod';
import { IdSchema, TimeSchema, text, textField } from './common.ts';
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
export const PersonResponseSchema = z.object({ person: PersonSchema });
export const PersonListResponseSchema = z.object({ items: z.array(PersonSchema) });

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

/** An API token for scripts; `expiresInDays` absent: it lasts until revoked. */
export const CreateTokenSchema = z.strictObject({
  name: textField(80),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateToken = z.infer<typeof CreateTokenSchema>;
/** The secret is in this answer only; it is never shown again. */
export const TokenCreatedSchema = z.object({ id: IdSchema, token: z.string() });
/** A token as listed: never its secret. */
export const ApiTokenSchema = z.object({
  id: IdSchema,
  name: z.string(),
  createdAt: TimeSchema,
  lastUsedAt: TimeSchema.nullable(),
  expiresAt: TimeSchema.nullable(),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;
export const TokenListSchema = z.object({ items: z.array(ApiTokenSchema) });
/** Admins may list another person's tokens. */
export const TokenListQuerySchema = z.strictObject({ personId: IdSchema.optional() });
