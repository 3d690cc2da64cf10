import type { Bomb } from '@defuse/shared';
import { describe, expect, it } from 'vitest';
import { activeDeadline, riskOf } from '../../web/src/features/queue/risk.ts';
import { formatDuration, formatRelative, interpolate } from '../../web/src/i18n/format.ts';

const at = (iso: string) => Date.parse(iso);
const bomb = (overrides: Partial<Bomb>): Bomb =>
  ({
    status: 'open',
    createdAt: '2026-01-01T00:00:00.000Z',
    claimDueAt: '2026-01-01T10:00:00.000Z',
    resolveDueAt: null,
    ...overrides,
  }) as Bomb;

describe('deadline and risk color', () => {
  it('an open bomb counts down to its claim deadline, a claimed one to its resolve deadline', () => {
    expect(activeDeadline(bomb({}))).toMatchObject({ kind: 'claim', dueAt: '2026-01-01T10:00:00.000Z' });
    expect(activeDeadline(bomb({ status: 'claimed', resolveDueAt: '2026-01-03T00:00:00.000Z' }))).toMatchObject({
      kind: 'resolve',
      paused: false,
    });
    expect(activeDeadline(bomb({ status: 'waiting', resolveDueAt: '2026-01-03T00:00:00.000Z' }))?.paused).toBe(true);
    expect(activeDeadline(bomb({ status: 'resolved' }))).toBeNull();
  });

  it('goes gray → yellow → orange → red as the window runs out', () => {
    const deadline = activeDeadline(bomb({}));
    expect(riskOf(deadline, at('2026-01-01T01:00:00Z'))).toBe('calm');
    expect(riskOf(deadline, at('2026-01-01T04:59:00Z'))).toBe('calm');
    expect(riskOf(deadline, at('2026-01-01T05:01:00Z'))).toBe('soon');
    expect(riskOf(deadline, at('2026-01-01T08:01:00Z'))).toBe('near');
    expect(riskOf(deadline, at('2026-01-01T10:00:00Z'))).toBe('overdue');
    expect(riskOf(deadline, at('2026-01-02T00:00:00Z'))).toBe('overdue');
  });

  it('a paused clock or no deadline carries no risk', () => {
    const waiting = activeDeadline(bomb({ status: 'waiting', resolveDueAt: '2026-01-01T01:00:00.000Z' }));
    expect(riskOf(waiting, at('2026-01-05T00:00:00Z'))).toBe('none');
    expect(riskOf(null, 0)).toBe('none');
  });
});

describe('localized countdown text', () => {
  it('shows the two largest units, seconds only in the last ten minutes', () => {
    expect(formatDuration(2 * 3600_000 + 5 * 60_000 + 9_000, 'en')).toBe('2h 5m');
    expect(formatDuration(2 * 3600_000 + 5 * 60_000, 'ja')).toBe('2時間5分');
    expect(formatDuration(3 * 86_400_000 + 4 * 3600_000, 'en')).toBe('3d 4h');
    expect(formatDuration(9 * 60_000 + 7_000, 'en')).toBe('9m 7s');
    expect(formatDuration(-45_000, 'ja')).toBe('45秒');
    expect(formatDuration(25 * 60_000, 'en')).toBe('25m');
  });

  it('relative times come from the platform in the chosen language', () => {
    const now = at('2026-01-01T12:00:00Z');
    expect(formatRelative('2026-01-01T11:57:00Z', now, 'en')).toBe('3 minutes ago');
    expect(formatRelative('2026-01-01T11:57:00Z', now, 'ja')).toBe('3 分前');
    expect(formatRelative('2026-01-03T12:00:00Z', now, 'en')).toBe('in 2 days');
    expect(formatRelative('2026-01-01T11:59:50Z', now, 'ja')).toBe('たった今');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});
