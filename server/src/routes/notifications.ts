import {
  MarkReadSchema,
  NotificationDeliveriesQuerySchema,
  NotificationDeliveriesResponseSchema,
  NotificationPreferencesSchema,
  NotificationsQuerySchema,
  NotificationsResponseSchema,
} from '@defuse/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getPreferences, unsubscribe, updatePreferences } from '../commands/notification-preferences.ts';
import type { Deps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { unsubscribeSecret, verifyUnsubscribe } from '../mail/unsubscribe.ts';
import { viewerOf } from '../plugins/auth.ts';
import { listNotificationDeliveries } from '../queries/notification-deliveries.ts';
import { listNotifications, markRead } from '../queries/notifications.ts';

const tags = ['notifications'];
const UnsubscribeQuery = z.strictObject({ token: z.string().min(1).max(300) });

/** The page a person lands on from an e-mail's unsubscribe link: one button, in both languages. */
const confirmPage = (token: string, done: boolean) => `<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width"><title>Defuse</title></head><body>
${
  done
    ? '<p lang="ja">このメールの配信を停止しました。</p><p lang="en">You will no longer get these e-mails.</p>'
    : `<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<p lang="ja">この種類のメールを停止しますか？</p><p lang="en">Stop e-mails of this kind?</p>
<button type="submit" formaction="?token=${encodeURIComponent(token)}">停止 / Unsubscribe</button></form>`
}
</body></html>`;

export async function notificationRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/notifications',
    { schema: { tags, querystring: NotificationsQuerySchema, response: { 200: NotificationsResponseSchema } } },
    async (request) => {
      const viewer = viewerOf(request);
      const { unread, cursor, limit } = request.query;
      return listNotifications(deps.db, viewer.id, viewer.locale, { unread: unread === 'true', cursor, limit });
    },
  );
  r.post(
    '/api/notifications/read',
    { bodyLimit: 32 * 1024, schema: { tags, body: MarkReadSchema } },
    async (request, reply) => {
      const ids = request.body.ids?.map(Number) ?? 'all';
      await markRead(deps.db, viewerOf(request).id, ids, deps.clock.now());
      return reply.code(204).send();
    },
  );
  r.get(
    '/api/me/notifications',
    { schema: { tags, response: { 200: NotificationPreferencesSchema } } },
    async (request) => getPreferences(deps.db, viewerOf(request).id),
  );
  r.put(
    '/api/me/notifications',
    {
      bodyLimit: 16 * 1024,
      schema: { tags, body: NotificationPreferencesSchema, response: { 200: NotificationPreferencesSchema } },
    },
    async (request) => updatePreferences(deps, viewerOf(request).id, request.body),
  );
  r.get(
    '/api/admin/deliveries',
    {
      config: { roles: ['admin'] },
      schema: {
        tags,
        querystring: NotificationDeliveriesQuerySchema,
        response: { 200: NotificationDeliveriesResponseSchema },
      },
    },
    async (request) => listNotificationDeliveries(deps.db, request.query),
  );

  // One-click unsubscribe (RFC 8058): mail clients POST `List-Unsubscribe=One-Click` as a form.
  await app.register(async (sub) => {
    sub.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 },
      (_req, body, done) => done(null, body),
    );
    const s = sub.withTypeProvider<ZodTypeProvider>();
    const tokenOf = async (token: string) => {
      const target = verifyUnsubscribe(await unsubscribeSecret(deps.db, deps.clock.now()), token);
      if (!target) throw notFound('This unsubscribe link is not valid');
      return target;
    };
    s.get(
      '/api/notifications/unsubscribe',
      { config: { public: true }, schema: { tags, querystring: UnsubscribeQuery } },
      async (request, reply) => {
        await tokenOf(request.query.token);
        return reply.type('text/html; charset=utf-8').send(confirmPage(request.query.token, false));
      },
    );
    s.post(
      '/api/notifications/unsubscribe',
      { config: { public: true, anyOrigin: true }, schema: { tags, querystring: UnsubscribeQuery } },
      async (request, reply) => {
        const target = await tokenOf(request.query.token);
        await unsubscribe(deps, target.personId, target.kind);
        return reply.type('text/html; charset=utf-8').send(confirmPage(request.query.token, true));
      },
    );
  });
}
