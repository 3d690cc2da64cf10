import { z } from 'zod';
import { BombResponseSchema } from './bomb.ts';
import { EventSchema } from './events/index.ts';

/**
 * GET /api/bombs/:id: the bomb and its timeline, oldest event first. Apart from bomb.ts, which the
 * event schemas import: here both are whole.
 */
export const BombDetailResponseSchema = BombResponseSchema.extend({ events: z.array(EventSchema) });
