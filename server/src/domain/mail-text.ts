import type { Locale, NotificationKind } from '@defuse/shared';
import { renderNotice } from './notification-text.ts';

export interface MailNotice {
  kind: NotificationKind;
  params: Record<string, unknown>;
  bombId: string | null;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const FOOTER = {
  ja: { open: 'ボードで開く', off: 'この種類のメールを停止', digest: (n: number) => `Defuse のお知らせ ${n} 件` },
  en: {
    open: 'Open in the board',
    off: 'Stop e-mails of this kind',
    digest: (n: number) => `${n} updates from Defuse`,
  },
} as const;

const linkOf = (origin: string, n: MailNotice) => (n.bombId ? `${origin}/bombs/${n.bombId}` : origin);
const keyOf = (n: MailNotice) => (typeof n.params.key === 'string' ? n.params.key : '');
const titleOf = (n: MailNotice) => (typeof n.params.title === 'string' ? n.params.title : '');

/**
 * One notification as an e-mail in the recipient's language: the bomb key and title in the
 * subject, the text, a link to the bomb, and a link that turns this kind of e-mail off.
 */
export function singleMail(n: MailNotice, locale: Locale, origin: string, unsubscribeUrl: string) {
  const text = renderNotice(n.kind, n.params, locale);
  const f = FOOTER[locale];
  const link = linkOf(origin, n);
  const subject = keyOf(n) ? `[${keyOf(n)}] ${titleOf(n)} — ${text.title}` : text.title;
  return {
    subject,
    text: `${text.title}\n\n${text.body}\n\n${f.open}: ${link}\n\n--\n${f.off}: ${unsubscribeUrl}\n`,
    html:
      `<p><strong>${escapeHtml(text.title)}</strong></p><p>${escapeHtml(text.body)}</p>` +
      `<p><a href="${escapeHtml(link)}">${f.open}</a></p>` +
      `<hr><p style="font-size:small"><a href="${escapeHtml(unsubscribeUrl)}">${f.off}</a></p>`,
  };
}

/** Several notifications gathered into one e-mail (hourly or daily digest). */
export function digestMail(list: MailNotice[], locale: Locale, origin: string) {
  const f = FOOTER[locale];
  const items = list.map((n) => ({ ...renderNotice(n.kind, n.params, locale), link: linkOf(origin, n) }));
  return {
    subject: f.digest(list.length),
    text: `${items.map((i) => `• ${i.title}\n  ${i.body}\n  ${i.link}`).join('\n\n')}\n`,
    html: `<ul>${items
      .map(
        (i) =>
          `<li><a href="${escapeHtml(i.link)}"><strong>${escapeHtml(i.title)}</strong></a><br>${escapeHtml(i.body)}</li>`,
      )
      .join('')}</ul>`,
  };
}
