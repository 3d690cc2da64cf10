import { drainNotifications } from '@defuse/server/commands/project-notifications';
import { sendDueMail } from '@defuse/server/commands/send-notification-mail';
import { smtpMailer } from '@defuse/server/mail/mailer';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, listenOnPort0, openLive, type TestContext } from '../helpers/app.ts';
import { manualClock } from '../helpers/clock.ts';
import { freshDatabase, usingPostgres } from '../helpers/db.ts';
import { createWorkspace, fileBomb } from '../helpers/factories.ts';
import { type Instance, startInstance } from '../helpers/instances.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';

describe('new notifications on the live socket', () => {
  let ctx: TestContext;
  let w: Awaited<ReturnType<typeof createWorkspace>>;
  let ws: string;

  beforeEach(async () => {
    ctx = await createTestContext();
    w = await createWorkspace(ctx);
    ({ ws } = await listenOnPort0(ctx.app));
  });
  afterEach(async () => ctx.close());

  it('reach only the person they are for, on every socket of theirs, once', async () => {
    const lead1 = await openLive(ws, { headers: w.lead.headers });
    const lead2 = await openLive(ws, { headers: w.lead.headers });
    const field = await openLive(ws, { headers: w.field.headers });
    const pm = await openLive(ws, { headers: w.pm.headers });
    for (const s of [lead1, lead2, field, pm]) await s.waitForLive('hello');
    const bomb = await fileBomb(ctx, w.field);
    await drainNotifications(ctx.deps, { email: false });
    for (const s of [lead1, lead2]) {
      const m = await s.waitForLive('notification');
      expect(m.notification).toMatchObject({ kind: 'routed', bombId: bomb.id, bombKey: bomb.key, readAt: null });
    }
    // Another round of signals re-reads nothing already sent.
    ctx.signal.notified([w.lead.id]);
    ctx.signal.notified(null);
    await fileBomb(ctx, w.field);
    await drainNotifications(ctx.deps, { email: false });
    await lead1.waitForLive('notification', (m) => m.notification.bombId !== bomb.id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const s of [lead1, lead2]) expect(s.messages.filter((m) => m.type === 'notification')).toHaveLength(2);
    for (const s of [field, pm]) expect(s.messages.filter((m) => m.type === 'notification')).toEqual([]);
    for (const s of [lead1, lead2, field, pm]) s.close();
  });
});

/**
 * Two instances on one PostgreSQL, both running the projector and the mail sender at the same
 * time: each (event, person, channel) is delivered once. PostgreSQL pass only (see live-instances).
 */
describe.runIf(usingPostgres())('notifications across two instances on one PostgreSQL', () => {
  const clock = manualClock();
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let smtp: TestSmtp;
  const instances: Instance[] = [];

  beforeAll(async () => {
    database = await freshDatabase();
    if (!database.url) throw new Error('freshDatabase gave no url on PostgreSQL');
    smtp = await startSmtp();
    instances.push(await startInstance(database.url, clock), await startInstance(database.url, clock));
  });
  afterAll(async () => {
    for (const i of instances) await i.close();
    await smtp?.close();
    await database?.drop();
  });

  it('each (event, person, channel) is mailed once, and a socket on B hears what A projected', async () => {
    const [a, b] = instances;
    if (!a || !b) throw new Error('two instances expected');
    const w = await createWorkspace(a);
    const routedByMail = { email: { kinds: ['routed'], digest: 'off' }, push: { kinds: [] }, quietHours: null };
    for (const who of [w.lead, w.member]) {
      const res = await b.app.inject({
        method: 'PUT',
        url: '/api/me/notifications',
        headers: who.headers,
        payload: routedByMail,
      });
      expect(res.statusCode).toBe(200);
    }
    const leadOnB = await openLive(b.ws, { headers: w.lead.headers });
    await leadOnB.waitForLive('hello');

    const bombs = await Promise.all(Array.from({ length: 10 }, (_, i) => fileBomb(i % 2 ? a : b, w.field)));
    // Each instance its own SMTP connection, as two processes would have.
    const onA = { mailer: smtpMailer(smtp.url, 'Defuse <defuse@localhost>'), origin: 'http://127.0.0.1:3000' };
    const onB2 = { mailer: smtpMailer(smtp.url, 'Defuse <defuse@localhost>'), origin: 'http://127.0.0.1:3000' };
    const sendBoth = () => Promise.all([sendDueMail(a.deps, onA, 3), sendDueMail(b.deps, onB2, 3)]);
    for (let round = 0; round < 3; round++) {
      await Promise.all([
        drainNotifications(a.deps, { email: true }),
        drainNotifications(b.deps, { email: true }),
        drainNotifications(a.deps, { email: true }),
      ]);
      await sendBoth();
    }
    for (let i = 0; i < 10; i++) await sendBoth();
    onA.mailer.close();
    onB2.mailer.close();

    expect(smtp.messages).toHaveLength(20);
    const sent = smtp.messages.map((m) => `${m.to && 'text' in m.to ? m.to.text : ''} ${m.subject}`);
    expect(new Set(sent).size).toBe(20);
    for (const bomb of bombs) {
      await leadOnB.waitForLive('notification', (m) => m.notification.bombId === bomb.id);
    }
    const onB = leadOnB.messages.flatMap((m) => (m.type === 'notification' ? [m.notification.id] : []));
    expect(new Set(onB).size).toBe(onB.length);
    expect(onB).toHaveLength(10);
    leadOnB.close();
  });
});
