import { z } from 'zod';
import { IdSchema, isWellFormed, NOT_UNICODE, SlugSchema, textField } from './common.ts';
import { PRODUCT_STAGES } from './enums.ts';

export const DepartmentSchema = z.object({
  id: IdSchema,
  name: z.string(),
  slug: z.string(),
  leadIds: z.array(IdSchema),
  memberIds: z.array(IdSchema),
  webhookUrl: z.string().nullable(),
});
export type Department = z.infer<typeof DepartmentSchema>;
export const DepartmentListResponseSchema = z.object({ items: z.array(DepartmentSchema) });

const WebhookUrlSchema = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine(isWellFormed, NOT_UNICODE)
  .nullable();

export const CreateDepartmentSchema = z.strictObject({
  name: textField(120),
  slug: SlugSchema,
  leadIds: z.array(IdSchema).max(200).default([]),
  memberIds: z.array(IdSchema).max(2000).default([]),
  webhookUrl: WebhookUrlSchema.optional(),
});
export type CreateDepartment = z.infer<typeof CreateDepartmentSchema>;
/** Explicit, not `.partial()`: zod keeps inner defaults there, and a patch would clear the leads. */
export const UpdateDepartmentSchema = z.strictObject({
  name: textField(120).optional(),
  slug: SlugSchema.optional(),
  leadIds: z.array(IdSchema).max(200).optional(),
  memberIds: z.array(IdSchema).max(2000).optional(),
  webhookUrl: WebhookUrlSchema.optional(),
});
export type UpdateDepartment = z.infer<typeof UpdateDepartmentSchema>;

/**
 * A department after a create or change. `webhookSecret` is there only when a webhook URL was just
 * set: the key that signs its deliveries (X-Defuse-Signature), shown this once and never again.
 */
export const DepartmentSavedSchema = z.object({ department: DepartmentSchema, webhookSecret: z.string().optional() });
export type DepartmentSaved = z.infer<typeof DepartmentSavedSchema>;

export const ProductSchema = z.object({
  id: IdSchema,
  name: z.string(),
  slug: z.string(),
  stage: z.enum(PRODUCT_STAGES),
  pmId: IdSchema.nullable(),
});
export type Product = z.infer<typeof ProductSchema>;
export const ProductResponseSchema = z.object({ product: ProductSchema });
export const ProductListResponseSchema = z.object({ items: z.array(ProductSchema) });

export const CreateProductSchema = z.strictObject({
  name: textField(120),
  slug: SlugSchema,
  stage: z.enum(PRODUCT_STAGES),
  pmId: IdSchema.nullable().default(null),
});
export type CreateProduct = z.infer<typeof CreateProductSchema>;
export const UpdateProductSchema = z.strictObject({
  name: textField(120).optional(),
  slug: SlugSchema.optional(),
  stage: z.enum(PRODUCT_STAGES).optional(),
  pmId: IdSchema.nullable().optional(),
});
export type UpdateProduct = z.infer<typeof UpdateProductSchema>;
