import { nextDigestAt, quietHoursEnd, sendAt } from '@defuse/server/domain/notify-schedule';
import { describe, expect, it } from 'vitest';

const tokyo = (from: string, to: string) => ({ from, to, timeZone: 'Asia/Tokyo' });

describe('quiet hours', () => {
  it('holds e-mail until they end, across midnight, in the person’s time zone', () => {
    // 23:30 in Tokyo (14:30 UTC), quiet 22:00–07:00: held until 07:00 Tokyo = 22:00 UTC.
    expect(quietHoursEnd(new Date('2026-03-02T14:30:00Z'), tokyo('22:00', '07:00'))?.toISOString()).toBe(
      '2026-03-02T22:00:00.000Z',
    );
    // 03:15 Tokyo, same window: ends at 07:00 the same morning.
    expect(quietHoursEnd(new Date('2026-03-02T18:15:00Z'), tokyo('22:00', '07:00'))?.toISOString()).toBe(
      '2026-03-02T22:00:00.000Z',
    );
  });

  it('lets e-mail out at once outside them, at their end minute, and when none are set', () => {
    expect(quietHoursEnd(new Date('2026-03-02T03:00:00Z'), tokyo('22:00', '07:00'))).toBeNull(); // 12:00 Tokyo
    expect(quietHoursEnd(new Date('2026-03-02T22:00:00Z'), tokyo('22:00', '07:00'))).toBeNull(); // 07:00 exactly
    expect(quietHoursEnd(new Date('2026-03-02T03:00:00Z'), null)).toBeNull();
    expect(quietHoursEnd(new Date('2026-03-02T03:00:00Z'), tokyo('09:00', '09:00'))).toBeNull();
    const at = new Date('2026-03-02T03:00:00Z');
    expect(sendAt(at, null)).toBe(at);
  });

  it('a window inside one day (12:00–13:00 UTC)', () => {
    const lunch = { from: '12:00', to: '13:00', timeZone: 'UTC' };
    expect(quietHoursEnd(new Date('2026-03-02T12:20:30Z'), lunch)?.toISOString()).toBe('2026-03-02T13:00:00.000Z');
    expect(quietHoursEnd(new Date('2026-03-02T13:20:00Z'), lunch)).toBeNull();
  });
});

describe('digests', () => {
  it('hourly: the top of the next local hour; daily: the next 08:00 local', () => {
    expect(nextDigestAt(new Date('2026-03-02T09:20:10Z'), 'hourly', 'UTC').toISOString()).toBe(
      '2026-03-02T10:00:00.000Z',
    );
    // India is UTC+05:30: the local hour turns at :30 UTC.
    expect(nextDigestAt(new Date('2026-03-02T09:20:00Z'), 'hourly', 'Asia/Kolkata').toISOString()).toBe(
      '2026-03-02T09:30:00.000Z',
    );
    // 18:00 Tokyo → next 08:00 Tokyo = 23:00 UTC.
    expect(nextDigestAt(new Date('2026-03-02T09:00:00Z'), 'daily', 'Asia/Tokyo').toISOString()).toBe(
      '2026-03-02T23:00:00.000Z',
    );
    // exactly 08:00 Tokyo → tomorrow's.
    expect(nextDigestAt(new Date('2026-03-02T23:00:00Z'), 'daily', 'Asia/Tokyo').toISOString()).toBe(
      '2026-03-03T23:00:00.000Z',
    );
  });
});
