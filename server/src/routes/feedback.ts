import { FeedbackQuerySchema, FeedbackResponseSchema, type Locale, ProductParamsSchema } from '@defuse/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { toCsv } from '../domain/csv.ts';
import { viewerOf } from '../plugins/auth.ts';
import { productFeedback } from '../queries/feedback.ts';

const readers = { roles: ['lead', 'pm', 'admin'] as const };

const HEADERS: Record<Locale, { causes: string[]; ownership: string[] }> = {
  ja: {
    causes: ['根本原因', 'カテゴリ', '件数', '前期間の件数', '傾向', '爆弾'],
    ownership: [
      '部署',
      'カテゴリ',
      '件数',
      '受付まで中央値(秒)',
      '受付まで90%(秒)',
      '解決まで中央値(秒)',
      '解決まで90%(秒)',
    ],
  },
  en: {
    causes: ['root cause', 'category', 'count', 'previous count', 'trend', 'bombs'],
    ownership: [
      'department',
      'category',
      'spans',
      'claim median (s)',
      'claim p90 (s)',
      'resolve median (s)',
      'resolve p90 (s)',
    ],
  },
};

export async function feedbackRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/products/:id/feedback',
    {
      config: readers,
      schema: {
        tags: ['feedback'],
        params: ProductParamsSchema,
        querystring: FeedbackQuerySchema,
        response: { 200: FeedbackResponseSchema },
      },
    },
    async (request) =>
      productFeedback(deps.db, viewerOf(request), request.params.id, request.query.days, deps.clock.now()),
  );

  r.get(
    '/api/products/:id/feedback.csv',
    {
      config: readers,
      schema: {
        tags: ['feedback'],
        params: ProductParamsSchema,
        querystring: FeedbackQuerySchema.extend({ table: z.enum(['causes', 'ownership']).default('causes') }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const viewer = viewerOf(request);
      const locale = viewer.locale;
      const { days, table } = request.query;
      const f = await productFeedback(deps.db, viewer, request.params.id, days, deps.clock.now());
      const rows =
        table === 'causes'
          ? f.causes.map((c) => [c.rootCause, c.category, c.count, c.previousCount, c.trend, c.bombKeys.join(' ')])
          : f.ownership.map((o) => [
              o.departmentName,
              o.category,
              o.spans,
              o.claimMedianSeconds,
              o.claimP90Seconds,
              o.resolveMedianSeconds,
              o.resolveP90Seconds,
            ]);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="feedback-${table}-${days}d.csv"`)
        .send(toCsv([HEADERS[locale][table], ...rows]));
    },
  );
}
