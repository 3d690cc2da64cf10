import type { EscalationReason, TierTarget } from '@defuse/shared';

/** Webhook messages reach a mixed channel, so each carries Japanese and English; the inbox and e-mail use one. */
export const REASON: Record<EscalationReason, { ja: string; en: string }> = {
  claim_overdue: { ja: '担当者が決まらないまま期限を過ぎました', en: 'nobody claimed it in time' },
  resolve_overdue: { ja: '解決期限を過ぎました', en: 'it was not resolved in time' },
  claimed_idle: { ja: '担当者の対応が止まっています', en: 'its assignee has not acted on it' },
};
const TARGET: Record<TierTarget, { ja: string; en: string }> = {
  lead: { ja: 'リーダー', en: 'the lead' },
  pm: { ja: 'プロダクトマネージャー', en: 'the product manager' },
  admin: { ja: '管理者', en: 'the admin' },
};
const DISPUTE: Record<DisputeReason, { ja: string; en: string }> = {
  cycle: { ja: '部署間を行き来しています', en: 'it came back to a department that already passed it on' },
  bounce_limit: { ja: '差し戻しが上限を超えました', en: 'it bounced more often than the limit allows' },
};

export type DisputeReason = 'cycle' | 'bounce_limit';

interface Named {
  key: string;
  title: string;
}

export function escalationText(bomb: Named, e: { tier: number; target: TierTarget; reason: EscalationReason }) {
  const r = REASON[e.reason];
  const t = TARGET[e.target];
  return (
    `[${bomb.key}] ${bomb.title}\n` +
    `エスカレーション 段階${e.tier}（${t.ja}）: ${r.ja}\n` +
    `Escalated to tier ${e.tier} (${t.en}): ${r.en}`
  );
}

export function disputeText(bomb: Named, reason: DisputeReason) {
  const d = DISPUTE[reason];
  return `[${bomb.key}] ${bomb.title}\n担当部署の確認が必要です: ${d.ja}\nOwnership dispute for the PM: ${d.en}`;
}
