import { notificationDeliveries } from '@defuse/drizzle';
import { drainNotifications } from '@defuse/server/commands/project-notifications';
import { type MailSetup, sendDueDigests, sendDueMail } from '@defuse/server/commands/send-notification-mail';
import { smtpMailer } from '@defuse/server/mail/mailer';
import { NotificationDeliveriesResponseSchema, type NotificationPreferences } from '@defuse/shared';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { advance, must } from '../helpers/actions.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { hours, minutes } from '../helpers/clock.ts';
import { type Actor, createWorkspace, fileBomb } from '../helpers/factories.ts';
import { bodyOf } from '../helpers/inject.ts';
import { rawHeader, startSmtp, type TestSmtp } from '../helpers/smtp.ts';

const ORIGIN = 'http://127.0.0.1:3000';

describe('notification e-mail through a real SMTP server', () => {
  let smtp: TestSmtp;
  let ctx: TestContext;
  let w: Awaited<ReturnType<typeof createWorkspace>>;
  let mail: MailSetup;

  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(async () => smtp.close());
  beforeEach(async () => {
    smtp.messages.length = 0;
    smtp.mode = 'accept';
    ctx = await createTestContext();
    w = await createWorkspace(ctx);
    mail = {
      mailer: smtpMailer(smtp.url, 'Defuse <defuse@localhost>', { greetingTimeout: 500, socketTimeout: 1000 }),
      origin: ORIGIN,
    };
  });
  afterEach(async () => {
    mail.mailer.close();
    await ctx.close();
  });

  const project = () => drainNotifications(ctx.deps, { email: true });
  const send = async () => {
    await sendDueMail(ctx.deps, mail);
    await sendDueDigests(ctx.deps, mail);
  };
  const putPrefs = async (actor: Actor, prefs: NotificationPreferences) => {
    const res = await ctx.app.inject({
      method: 'PUT',
      url: '/api/me/notifications',
      headers: actor.headers,
      payload: prefs,
    });
    expect(res.statusCode, res.body).toBe(200);
  };
  const deliveries = async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/admin/deliveries', headers: w.admin.headers });
    expect(res.statusCode).toBe(200);
    return bodyOf(res, NotificationDeliveriesResponseSchema).items;
  };
  /** A bomb the member claimed and resolved: the filer is asked (by default by e-mail) to confirm. */
  const resolvedBomb = async () => {
    const bomb = await fileBomb(ctx, w.field, { title: 'Pallet went to the wrong warehouse' });
    await must(ctx, w.member, bomb.id, 'claim');
    await must(ctx, w.member, bomb.id, 'transition', { to: 'resolved', rootCause: 'shipping_operations' });
    return bomb;
  };

  it('sends the kinds chosen by default at once, in the recipient’s language, with key, title, link and one-click unsubscribe', async () => {
    const bomb = await resolvedBomb();
    await project();
    await send();
    // routed (lead, member) stays in the inbox by default; resolved goes out to the filer.
    expect(smtp.messages).toHaveLength(1);
    const [m] = smtp.messages;
    expect(m?.to && 'text' in m.to ? m.to.text : '').toBe(w.field.email);
    expect(m?.subject).toBe(
      `[${bomb.key}] Pallet went to the wrong warehouse — ${bomb.key} が解決されました。確認をお願いします`,
    );
    expect(m?.text).toContain(`${ORIGIN}/bombs/${bomb.id}`);
    expect(m?.html).toContain(`href="${ORIGIN}/bombs/${bomb.id}"`);
    expect(rawHeader(m, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const unsubscribe = (rawHeader(m, 'List-Unsubscribe') ?? '').replace(/^<|>$/g, '');
    expect(unsubscribe).toMatch(/^http:\/\/127\.0\.0\.1:3000\/api\/notifications\/unsubscribe\?token=/);

    // The mail client's one-click POST, from no page of ours: that kind is off, nothing else.
    const res = await ctx.app.inject({
      method: 'POST',
      url: unsubscribe.slice(ORIGIN.length),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://mail.example.com' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(res.statusCode, res.body).toBe(200);
    const prefs = await ctx.app.inject({ method: 'GET', url: '/api/me/notifications', headers: w.field.headers });
    expect(prefs.json().email.kinds).not.toContain('resolved');
    expect(prefs.json().email.kinds).toContain('question');

    const forged = await ctx.app.inject({
      method: 'POST',
      url: `${unsubscribe.slice(ORIGIN.length).replace(/resolved/, 'question')}`,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(forged.statusCode).toBe(404);

    const log = await deliveries();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      channel: 'email',
      status: 'sent',
      kind: 'resolved',
      personId: w.field.id,
      attempts: 1,
    });
  });

  it('English for an English reader; kinds a person turned on by e-mail', async () => {
    await ctx.app.inject({ method: 'PATCH', url: '/api/me', headers: w.lead.headers, payload: { locale: 'en' } });
    await putPrefs(w.lead, { email: { kinds: ['routed'], digest: 'off' }, push: { kinds: [] }, quietHours: null });
    const bomb = await fileBomb(ctx, w.field);
    await project();
    await send();
    expect(smtp.messages.map((m) => m.subject)).toEqual([
      `[${bomb.key}] ${bomb.title} — ${bomb.key} arrived in your department`,
    ]);
  });

  it('an SMTP server that refuses: the filing is untouched, the delivery retries with backoff, logged, and is sent once when it recovers', async () => {
    smtp.mode = 'refuse';
    await resolvedBomb();
    await project();
    await send();
    expect(smtp.messages).toHaveLength(0);
    let [row] = await deliveries();
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row?.lastError).toContain('try again later');
    // Not due again until the backoff passes.
    await send();
    expect((await deliveries())[0]?.attempts).toBe(1);

    smtp.mode = 'accept';
    await advance(ctx, minutes(2));
    await send();
    await advance(ctx, minutes(10));
    await send();
    expect(smtp.messages).toHaveLength(1);
    [row] = await deliveries();
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('an SMTP server that never answers times out and is retried; nothing is sent twice', async () => {
    smtp.mode = 'hang';
    await resolvedBomb();
    await project();
    await send();
    expect((await deliveries())[0]).toMatchObject({ status: 'pending', attempts: 1 });
    smtp.mode = 'accept';
    for (let i = 0; i < 4; i++) {
      await advance(ctx, minutes(5));
      await send();
    }
    expect(smtp.messages).toHaveLength(1);
  });

  it('quiet hours hold e-mail until they end; the inbox fills at once', async () => {
    // The clock starts at 09:00 UTC: quiet 08:00–10:00 UTC.
    await putPrefs(w.field, {
      email: { kinds: ['resolved'], digest: 'off' },
      push: { kinds: [] },
      quietHours: { from: '08:00', to: '10:00', timeZone: 'UTC' },
    });
    await resolvedBomb();
    await project();
    await send();
    expect(smtp.messages).toHaveLength(0);
    const inbox = await ctx.app.inject({ method: 'GET', url: '/api/notifications', headers: w.field.headers });
    expect(inbox.json().unreadCount).toBe(1);
    await advance(ctx, hours(1));
    await send();
    expect(smtp.messages).toHaveLength(1);
  });

  it('an hourly digest gathers what a person chose not to get at once, in one message', async () => {
    await putPrefs(w.member, { email: { kinds: [], digest: 'hourly' }, push: { kinds: [] }, quietHours: null });
    const a = await fileBomb(ctx, w.field, { title: 'First' });
    const b = await fileBomb(ctx, w.field, { title: 'Second' });
    await project();
    await send();
    expect(smtp.messages).toHaveLength(0);
    await advance(ctx, hours(1));
    await send();
    await send();
    expect(smtp.messages).toHaveLength(1);
    const [digest] = smtp.messages;
    expect(digest?.subject).toBe('Defuse のお知らせ 2 件');
    expect(digest?.text).toContain(a.key);
    expect(digest?.text).toContain(b.key);
    expect(rawHeader(digest, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  });

  it('preferences: defaults, round trip, and a 400 naming the field for what is invalid', async () => {
    const get = await ctx.app.inject({ method: 'GET', url: '/api/me/notifications', headers: w.member.headers });
    expect(get.json()).toEqual({
      email: {
        kinds: ['mentioned', 'question', 'resolved', 'assigned', 'escalated', 'buddy', 'lesson_shipped'],
        digest: 'off',
      },
      push: { kinds: ['mentioned', 'question', 'resolved', 'assigned', 'escalated', 'buddy', 'lesson_shipped'] },
      quietHours: null,
    });
    const good: NotificationPreferences = {
      email: { kinds: ['commented'], digest: 'daily' },
      push: { kinds: ['escalated'] },
      quietHours: { from: '22:00', to: '07:00', timeZone: 'Asia/Tokyo' },
    };
    await putPrefs(w.member, good);
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/me/notifications', headers: w.member.headers })).json(),
    ).toEqual(good);
    for (const [bad, field] of [
      [{ ...good, email: { kinds: ['gossip'], digest: 'off' } }, 'email.kinds'],
      [{ ...good, quietHours: { from: '25:00', to: '07:00', timeZone: 'Asia/Tokyo' } }, 'quietHours.from'],
      [{ ...good, quietHours: { from: '22:00', to: '07:00', timeZone: 'Mars/Olympus' } }, 'quietHours.timeZone'],
      [{ ...good, email: { kinds: [], digest: 'weekly' } }, 'email.digest'],
    ] as const) {
      const res = await ctx.app.inject({
        method: 'PUT',
        url: '/api/me/notifications',
        headers: w.member.headers,
        payload: bad,
      });
      expect(res.statusCode).toBe(400);
      expect(
        res
          .json()
          .error.fields.map((f: { path: string }) => f.path)
          .join(' '),
        field,
      ).toContain(field);
    }
  });

  it('without SMTP no delivery rows are written: the inbox only', async () => {
    await resolvedBomb();
    await drainNotifications(ctx.deps, { email: false });
    expect(await ctx.deps.db.select().from(notificationDeliveries)).toEqual([]);
  });
});
