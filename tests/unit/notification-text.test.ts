import { singleMail } from '@defuse/server/domain/mail-text';
import { renderNotice } from '@defuse/server/domain/notification-text';
import { signUnsubscribe, verifyUnsubscribe } from '@defuse/server/mail/unsubscribe';
import { LOCALES, NOTIFICATION_KINDS } from '@defuse/shared';
import { describe, expect, it } from 'vitest';

const params = {
  key: 'SHIP-12',
  title: 'Pallet missing',
  question: 'Which warehouse shipped it?',
  tier: 1,
  reason: 'claim_overdue',
};

describe('notification texts', () => {
  it('every kind says something specific in both languages', () => {
    for (const kind of NOTIFICATION_KINDS) {
      for (const locale of LOCALES) {
        const text = renderNotice(kind, params, locale);
        expect(text.title.length, `${kind} ${locale}`).toBeGreaterThan(5);
        expect(text.body.length, `${kind} ${locale}`).toBeGreaterThan(0);
      }
    }
    expect(renderNotice('question', params, 'en')).toEqual({
      title: 'SHIP-12 is waiting for your answer',
      body: 'Which warehouse shipped it?',
    });
  });

  it('params that are missing or of the wrong type render as blanks, never throw', () => {
    for (const kind of NOTIFICATION_KINDS) expect(() => renderNotice(kind, { key: 3, tier: 'x' }, 'ja')).not.toThrow();
  });

  it('e-mail escapes what people wrote in its HTML', () => {
    const mail = singleMail(
      {
        kind: 'commented',
        params: { key: 'SHIP-1', title: 't', excerpt: '<img src=x onerror=alert(1)>' },
        bombId: 'b',
      },
      'en',
      'https://defuse.example.com',
      'https://defuse.example.com/u',
    );
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;img');
    expect(mail.text).toContain('https://defuse.example.com/bombs/b');
  });
});

describe('unsubscribe links', () => {
  it('a signed link names one person and kind; a changed one or another secret is refused', () => {
    const token = signUnsubscribe('secret', 'p1', 'commented');
    expect(verifyUnsubscribe('secret', token)).toEqual({ personId: 'p1', kind: 'commented' });
    expect(verifyUnsubscribe('other', token)).toBeNull();
    expect(verifyUnsubscribe('secret', token.replace('commented', 'escalated'))).toBeNull();
    expect(verifyUnsubscribe('secret', token.replace('p1', 'p2'))).toBeNull();
    expect(verifyUnsubscribe('secret', signUnsubscribe('secret', 'p1', 'digest'))).toEqual({
      personId: 'p1',
      kind: 'digest',
    });
    expect(verifyUnsubscribe('secret', 'a.b')).toBeNull();
    expect(verifyUnsubscribe('secret', 'p1.gossip.x')).toBeNull();
  });
});
