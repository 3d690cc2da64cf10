import { addSeconds, claimDeadline, resolveDeadline } from '@defuse/server/domain/deadlines';
import { disputeText, escalationText } from '@defuse/server/domain/notifications';
import { DEFAULT_POLICY } from '@defuse/shared';
import { describe, expect, it } from 'vitest';

const bomb = { key: 'SHIP-7', title: '配送が遅れた' };

describe('webhook texts carry the bomb, the reason and the target in Japanese and English', () => {
  it.each([
    [
      'claim_overdue',
      'lead',
      'エスカレーション 段階1（リーダー）: 担当者が決まらないまま期限を過ぎました',
      'Escalated to tier 1 (the lead): nobody claimed it in time',
    ],
    [
      'resolve_overdue',
      'pm',
      'エスカレーション 段階1（プロダクトマネージャー）: 解決期限を過ぎました',
      'Escalated to tier 1 (the product manager): it was not resolved in time',
    ],
    [
      'claimed_idle',
      'admin',
      'エスカレーション 段階1（管理者）: 担当者の対応が止まっています',
      'Escalated to tier 1 (the admin): its assignee has not acted on it',
    ],
  ] as const)('%s to %s', (reason, target, ja, en) => {
    expect(escalationText(bomb, { tier: 1, target, reason })).toBe(`[SHIP-7] 配送が遅れた\n${ja}\n${en}`);
  });

  it.each([
    ['cycle', '部署間を行き来しています', 'it came back to a department that already passed it on'],
    ['bounce_limit', '差し戻しが上限を超えました', 'it bounced more often than the limit allows'],
  ] as const)('a %s dispute', (reason, ja, en) => {
    expect(disputeText(bomb, reason)).toBe(
      `[SHIP-7] 配送が遅れた\n担当部署の確認が必要です: ${ja}\nOwnership dispute for the PM: ${en}`,
    );
  });
});

describe('deadlines follow the department policy for the severity', () => {
  const at = new Date('2026-01-05T00:00:00Z');
  const policy = {
    ...DEFAULT_POLICY,
    claimWithinSeconds: { low: 4, normal: 3, high: 2, critical: 1 },
    resolveWithinSeconds: { low: 40, normal: 30, high: 20, critical: 10 },
  };
  it('claim and resolve deadlines', () => {
    expect(claimDeadline(policy, 'high', at)).toEqual(addSeconds(at, 2));
    expect(resolveDeadline(policy, 'low', at)).toEqual(addSeconds(at, 40));
    expect(addSeconds(at, 1.5).getTime() - at.getTime()).toBe(1500);
  });
});
