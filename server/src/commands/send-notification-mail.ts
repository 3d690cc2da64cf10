import { notificationDeliveries, notifications, people } from '@defuse/drizzle';
import { type Locale, NOTIFICATION_KINDS, type NotificationKind } from '@defuse/shared';
import { and, asc, eq, inArray, isNull, lte } from 'drizzle-orm';
import type { Db } from '../db/types.ts';
import type { Deps } from '../deps.ts';
import { addSeconds } from '../domain/deadlines.ts';
import { digestMail, type MailNotice, singleMail } from '../domain/mail-text.ts';
import type { Mailer } from '../mail/mailer.ts';
import { signUnsubscribe, type UnsubscribeTarget, unsubscribeSecret } from '../mail/unsubscribe.ts';

/** How long a taken delivery is reserved for its sender: longer than the SMTP timeouts together. */
const LEASE_SECONDS = 120;
export const MAIL_MAX_ATTEMPTS = 8;
/** 1, 2, 4 … minutes between attempts, at most an hour. */
export const mailBackoffSeconds = (attempts: number) => Math.min(3600, 60 * 2 ** Math.max(0, attempts - 1));

export interface MailSetup {
  mailer: Mailer;
  /** Where links in the e-mail point: the board's first public origin. */
  origin: string;
}

type Leased = typeof notificationDeliveries.$inferSelect;

/** Takes due rows of one channel for this sender (FOR UPDATE SKIP LOCKED, then the lease), in a short transaction. */
async function lease(db: Db, channel: string, now: Date, limit: number): Promise<Leased[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: notificationDeliveries.id })
      .from(notificationDeliveries)
      .where(
        and(
          eq(notificationDeliveries.channel, channel),
          eq(notificationDeliveries.status, 'pending'),
          lte(notificationDeliveries.nextAttemptAt, now),
        ),
      )
      .orderBy(asc(notificationDeliveries.nextAttemptAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(notificationDeliveries)
      .set({ nextAttemptAt: addSeconds(now, LEASE_SECONDS) })
      .where(
        inArray(
          notificationDeliveries.id,
          due.map((d) => d.id),
        ),
      )
      .returning();
  });
}

/** Records how an attempt went: sent, or retried with backoff until the cap. */
async function settle(deps: Pick<Deps, 'db' | 'clock'>, rows: Leased[], error: string | null): Promise<void> {
  const now = deps.clock.now();
  for (const d of rows) {
    const attempts = d.attempts + 1;
    await deps.db
      .update(notificationDeliveries)
      .set(
        error === null
          ? { status: 'sent', attempts, sentAt: now, lastError: null }
          : {
              status: attempts >= MAIL_MAX_ATTEMPTS ? 'failed' : 'pending',
              attempts,
              lastError: error.slice(0, 500),
              nextAttemptAt: addSeconds(now, mailBackoffSeconds(attempts)),
            },
      )
      .where(eq(notificationDeliveries.id, d.id));
  }
}

/** The notifications and recipients of leased rows; a disabled person's rows are dropped. */
async function loadMail(db: Db, rows: Leased[]) {
  const list = await db
    .select({
      notificationId: notifications.id,
      kind: notifications.kind,
      params: notifications.params,
      bombId: notifications.bombId,
      email: people.email,
      locale: people.locale,
    })
    .from(notifications)
    .innerJoin(people, and(eq(people.id, notifications.personId), isNull(people.disabledAt)))
    .where(
      inArray(
        notifications.id,
        rows.map((r) => r.notificationId),
      ),
    );
  return new Map(list.map((n) => [n.notificationId, n]));
}

const isKind = (k: string): k is NotificationKind => (NOTIFICATION_KINDS as readonly string[]).includes(k);
const errorText = (err: unknown) => (err instanceof Error ? err.message : 'send failed');

function listHeaders(url: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** Sends due e-mail, one message per (event, person); returns how many rows were taken. */
export async function sendDueMail(deps: Pick<Deps, 'db' | 'clock'>, setup: MailSetup, batch = 20): Promise<number> {
  const now = deps.clock.now();
  const rows = await lease(deps.db, 'email', now, batch);
  if (rows.length === 0) return 0;
  const secret = await unsubscribeSecret(deps.db, now);
  const mail = await loadMail(deps.db, rows);
  const unsubscribeUrl = (personId: string, target: UnsubscribeTarget) =>
    `${setup.origin}/api/notifications/unsubscribe?token=${signUnsubscribe(secret, personId, target)}`;
  await Promise.all(
    rows.map(async (row) => {
      const n = mail.get(row.notificationId);
      if (!n || !isKind(n.kind)) return settleDropped(deps, row);
      const url = unsubscribeUrl(row.personId, n.kind);
      try {
        const body = singleMail({ kind: n.kind, params: n.params, bombId: n.bombId }, n.locale, setup.origin, url);
        await setup.mailer.send({ to: n.email, ...body, headers: listHeaders(url) });
        await settle(deps, [row], null);
      } catch (err) {
        await settle(deps, [row], errorText(err));
      }
    }),
  );
  return rows.length;
}

/** Sends due digests: each person's due rows in one message. */
export async function sendDueDigests(deps: Pick<Deps, 'db' | 'clock'>, setup: MailSetup, batch = 200): Promise<number> {
  const now = deps.clock.now();
  const rows = await lease(deps.db, 'digest', now, batch);
  if (rows.length === 0) return 0;
  const secret = await unsubscribeSecret(deps.db, now);
  const mail = await loadMail(deps.db, rows);
  const byPerson = new Map<string, Leased[]>();
  for (const r of rows) byPerson.set(r.personId, [...(byPerson.get(r.personId) ?? []), r]);
  for (const [personId, own] of byPerson) {
    const notices: (MailNotice & { email: string; locale: Locale })[] = own.flatMap((r) => {
      const n = mail.get(r.notificationId);
      return n && isKind(n.kind)
        ? [{ kind: n.kind, params: n.params, bombId: n.bombId, email: n.email, locale: n.locale }]
        : [];
    });
    const first = notices[0];
    if (!first) {
      await settleDropped(deps, ...own);
      continue;
    }
    const url = `${setup.origin}/api/notifications/unsubscribe?token=${signUnsubscribe(secret, personId, 'digest')}`;
    try {
      const body = digestMail(notices, first.locale, setup.origin);
      await setup.mailer.send({ to: first.email, ...body, headers: listHeaders(url) });
      await settle(deps, own, null);
    } catch (err) {
      await settle(deps, own, errorText(err));
    }
  }
  return rows.length;
}

/** A row whose person was disabled (or whose kind is gone) is closed without sending. */
async function settleDropped(deps: Pick<Deps, 'db'>, ...rows: Leased[]): Promise<void> {
  await deps.db
    .update(notificationDeliveries)
    .set({ status: 'dropped' })
    .where(
      inArray(
        notificationDeliveries.id,
        rows.map((r) => r.id),
      ),
    );
}
