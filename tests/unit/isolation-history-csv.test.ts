import { csvCell, toCsv } from '@defuse/server/domain/csv';
import { causeMessages, trendOf } from '@defuse/server/queries/feedback';
import { fillHistory } from '@defuse/server/queries/isolation-read';
import { describe, expect, it } from 'vitest';

describe('history', () => {
  const now = new Date('2026-03-31T12:00:00Z');

  it('carries the last known day forward and starts from the row before the window', () => {
    const h = fillHistory(
      [
        { day: '2026-02-20', load: 2, soloCarrySeconds: 10, state: 'watch' },
        { day: '2026-03-29', load: 5, soloCarrySeconds: 20, state: 'isolated' },
      ],
      now,
    );
    expect(h).toHaveLength(30);
    expect(h[0]).toEqual({ day: '2026-03-02', load: 2, soloCarrySeconds: 10, state: 'watch' });
    expect(h.at(-3)).toEqual({ day: '2026-03-29', load: 5, soloCarrySeconds: 20, state: 'isolated' });
    expect(h.at(-1)).toEqual({ day: '2026-03-31', load: 5, soloCarrySeconds: 20, state: 'isolated' });
  });

  it('is zero and ok before anything was known', () => {
    expect(fillHistory([], now).every((d) => d.load === 0 && d.state === 'ok')).toBe(true);
  });
});

describe('csv', () => {
  it('defuses formulas and quotes as RFC 4180', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+81 3')).toBe("'+81 3");
    expect(csvCell('-x')).toBe("'-x");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('マニュアル')).toBe('マニュアル');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
  });

  it('starts with a UTF-8 BOM and ends lines with CRLF', () => {
    expect(
      toCsv([
        ['a', 1],
        ['b', null],
      ]),
    ).toBe('\uFEFFa,1\r\nb,\r\n');
  });
});

describe('feedback wording', () => {
  it('says how a cause moved against the window before', () => {
    expect(trendOf(7, 2)).toBe('up');
    expect(trendOf(1, 3)).toBe('down');
    expect(trendOf(2, 2)).toBe('flat');
    expect(causeMessages('manual_unclear', 7, 2, 30)).toEqual({
      en: 'manual_unclear ×7 in 30 days, up from 2',
      ja: 'manual_unclear ×7（30日間、前期間の2件から増加）',
    });
    expect(causeMessages('other', 0, 4, 7).en).toBe('other ×0 in 7 days, down from 4');
  });
});
