import { planEscalations, shiftedDeadline, webhookBackoffSeconds } from '@defuse/server/domain/escalation';
import { describe, expect, it } from 'vitest';

describe('escalation maths', () => {
  it('tier i is due afterSeconds past the deadline, numbered from 1', () => {
    const deadline = new Date('2026-03-02T10:00:00Z');
    const plan = planEscalations(
      {
        tiers: [
          { afterSeconds: 0, target: 'lead' },
          { afterSeconds: 3600, target: 'pm' },
        ],
      },
      'claim_overdue',
      deadline,
    );
    expect(plan.map((p) => [p.tier, p.target, p.dueAt.toISOString()])).toEqual([
      [1, 'lead', '2026-03-02T10:00:00.000Z'],
      [2, 'pm', '2026-03-02T11:00:00.000Z'],
    ]);
    expect(plan.every((p) => p.deadlineAt === deadline && p.reason === 'claim_overdue')).toBe(true);
  });

  it('a paused clock moves the deadline by the pause', () => {
    const d = shiftedDeadline(
      new Date('2026-03-05T00:00:00Z'),
      new Date('2026-03-02T00:00:00Z'),
      new Date('2026-03-02T06:00:00Z'),
    );
    expect(d.toISOString()).toBe('2026-03-05T06:00:00.000Z');
  });

  it('webhook retries back off and cap at an hour', () => {
    expect([1, 2, 3, 20].map(webhookBackoffSeconds)).toEqual([10, 20, 40, 3600]);
  });
});
