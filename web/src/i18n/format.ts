import type { Locale } from '@defuse/shared';

/** Fills `{name}` placeholders; a missing value leaves the placeholder visible rather than "undefined". */
export function interpolate(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    return value === undefined ? whole : String(value);
  });
}

const UNITS: Record<Locale, { d: string; h: string; m: string; s: string; sep: string }> = {
  ja: { d: '日', h: '時間', m: '分', s: '秒', sep: '' },
  en: { d: 'd', h: 'h', m: 'm', s: 's', sep: ' ' },
};

/**
 * A compact, calm duration: the two largest units, seconds only in the last ten minutes so a
 * countdown visibly moves when it matters.
 * @example formatDuration(2 * 3600_000 + 5 * 60_000, 'en') === '2h 5m'
 */
export function formatDuration(ms: number, locale: Locale): string {
  const u = UNITS[locale];
  const total = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return h > 0 ? `${d}${u.d}${u.sep}${h}${u.h}` : `${d}${u.d}`;
  if (h > 0) return m > 0 ? `${h}${u.h}${u.sep}${m}${u.m}` : `${h}${u.h}`;
  if (m >= 10) return `${m}${u.m}`;
  if (m > 0) return `${m}${u.m}${u.sep}${s}${u.s}`;
  return `${s}${u.s}`;
}

const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "3 minutes ago" / "3 分前", localized by the platform. */
export function formatRelative(iso: string, now: number, locale: Locale): string {
  let value = (Date.parse(iso) - now) / 1000;
  // "0 seconds ago" reads as noise on a calm board.
  if (Math.abs(value) < 45) return locale === 'ja' ? 'たった今' : 'just now';
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(value) < size) return rtf.format(Math.round(value), unit);
    value /= size;
  }
  return rtf.format(Math.round(value), 'year');
}

export function formatDateTime(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function formatNumber(value: number, locale: Locale, digits = 1): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
}
