import type { Locale, NotificationKind } from '@defuse/shared';
import { REASON } from './notifications.ts';

type Params = Record<string, unknown>;
type Text = { title: string; body: string };

const str = (p: Params, k: string): string => (typeof p[k] === 'string' ? (p[k] as string) : '');
const num = (p: Params, k: string): string => (typeof p[k] === 'number' ? String(p[k]) : '');

/** The escalation reason in both languages (the webhook's words), if the params name a known one. */
const reason = (p: Params) => (REASON as Partial<Record<string, { ja: string; en: string }>>)[str(p, 'reason')];

const STATE: Record<string, { ja: string; en: string }> = {
  ok: { ja: '落ち着いています', en: 'back to a steady load' },
  watch: { ja: '負荷が増えています', en: 'carrying more than usual' },
  isolated: { ja: 'ひとりで抱えているものが多くなっています', en: 'carrying a lot on your own' },
};

/**
 * What each kind says, in each language: short, specific, and for the person's own signals,
 * supportive (what the board noticed and where help is), never a rating.
 */
const TEXTS: Record<NotificationKind, Record<Locale, (p: Params) => Text>> = {
  routed: {
    ja: (p) => ({
      title: `${str(p, 'key')} があなたの部署に届きました`,
      body: `${str(p, 'title')}${p.via === 'bounced' ? '（他部署から回されてきました）' : ''}`,
    }),
    en: (p) => ({
      title: `${str(p, 'key')} arrived in your department`,
      body: `${str(p, 'title')}${p.via === 'bounced' ? ' (passed on from another department)' : ''}`,
    }),
  },
  assigned: {
    ja: (p) => ({ title: `${str(p, 'key')} の担当になりました`, body: str(p, 'title') }),
    en: (p) => ({ title: `${str(p, 'key')} is now yours`, body: str(p, 'title') }),
  },
  question: {
    ja: (p) => ({
      title: `${str(p, 'key')} があなたの回答を待っています`,
      body: str(p, 'question') || str(p, 'title'),
    }),
    en: (p) => ({
      title: `${str(p, 'key')} is waiting for your answer`,
      body: str(p, 'question') || str(p, 'title'),
    }),
  },
  answered: {
    ja: (p) => ({ title: `${str(p, 'key')} に回答がありました`, body: str(p, 'title') }),
    en: (p) => ({ title: `${str(p, 'key')} has an answer`, body: str(p, 'title') }),
  },
  commented: {
    ja: (p) => ({ title: `${str(p, 'key')} に新しいコメント`, body: str(p, 'excerpt') || str(p, 'title') }),
    en: (p) => ({ title: `New comment on ${str(p, 'key')}`, body: str(p, 'excerpt') || str(p, 'title') }),
  },
  mentioned: {
    ja: (p) => ({ title: `${str(p, 'key')} であなたが呼ばれています`, body: str(p, 'excerpt') || str(p, 'title') }),
    en: (p) => ({ title: `You were mentioned on ${str(p, 'key')}`, body: str(p, 'excerpt') || str(p, 'title') }),
  },
  resolved: {
    ja: (p) => ({
      title: `${str(p, 'key')} が解決されました。確認をお願いします`,
      body: `${str(p, 'title')} — 解決していれば完了に、まだなら再オープンしてください。`,
    }),
    en: (p) => ({
      title: `${str(p, 'key')} was resolved: please confirm`,
      body: `${str(p, 'title')} — close it if it is fixed for you, or reopen it if not.`,
    }),
  },
  escalated: {
    ja: (p) => ({
      title: `${str(p, 'key')} があなたにエスカレーションされました（段階${num(p, 'tier')}）`,
      body: `${str(p, 'title')} — ${reason(p)?.ja ?? ''}`,
    }),
    en: (p) => ({
      title: `${str(p, 'key')} was escalated to you (tier ${num(p, 'tier')})`,
      body: `${str(p, 'title')} — ${reason(p)?.en ?? ''}`,
    }),
  },
  buddy: {
    ja: (p) => ({
      title: p.role === 'buddy' ? 'バディとして仲間を手伝うことになりました' : 'バディがつきました',
      body:
        p.role === 'buddy'
          ? '相手の案件に協力者として加わっています。声をかけてみてください。'
          : 'あなたの案件にバディが協力者として加わりました。ひとりで抱えなくて大丈夫です。',
    }),
    en: (p) => ({
      title: p.role === 'buddy' ? 'You are now someone’s buddy' : 'You have a buddy now',
      body:
        p.role === 'buddy'
          ? 'You have joined their bombs as a helper. Say hello.'
          : 'A buddy has joined your bombs as a helper: you do not have to carry them alone.',
    }),
  },
  isolation: {
    ja: (p) => ({
      title: `あなたのシグナル: ${STATE[str(p, 'state')]?.ja ?? ''}`,
      body:
        p.state === 'ok'
          ? '負荷が落ち着きました。'
          : '評価ではありません。手伝いが必要なら、リーダーやバディに気軽に声をかけてください。「自分のシグナル」で詳細を見られます。',
    }),
    en: (p) => ({
      title: `Your signals: ${STATE[str(p, 'state')]?.en ?? ''}`,
      body:
        p.state === 'ok'
          ? 'Your load has eased.'
          : 'This is not a rating. If help would be welcome, your lead or a buddy is a message away; “My signals” shows what the board noticed.',
    }),
  },
  lesson_shipped: {
    ja: (p) => ({ title: '教訓が製品に反映されました', body: str(p, 'title') }),
    en: (p) => ({ title: 'A lesson shipped in the product', body: str(p, 'title') }),
  },
};

/** A notice's text in one language, from the kind and params stored with it. */
export function renderNotice(kind: NotificationKind, params: Params, locale: Locale): Text {
  return TEXTS[kind][locale](params);
}
