import type { Locale } from '@defuse/shared';

export type Bilingual = Record<Locale, string>;

const UNITS: { seconds: number; ja: string; en: string }[] = [
  { seconds: 86_400, ja: '日', en: 'day' },
  { seconds: 3600, ja: '時間', en: 'hour' },
  { seconds: 60, ja: '分', en: 'minute' },
  { seconds: 1, ja: '秒', en: 'second' },
];

/**
 * A window in the largest whole unit, as people say it.
 * @example formatDuration(172_800) // { ja: '2日', en: '2 days' }
 * @example formatDuration(5400)    // { ja: '1時間', en: '1 hour' }
 */
export function formatDuration(seconds: number): Bilingual {
  const s = Math.max(0, Math.floor(seconds));
  const unit = UNITS.find((u) => s >= u.seconds) ?? { seconds: 1, ja: '秒', en: 'second' };
  const n = Math.floor(s / unit.seconds);
  return { ja: `${n}${unit.ja}`, en: `${n} ${unit.en}${n === 1 ? '' : 's'}` };
}

/** @example countBombs(1) // { ja: '1件の爆弾', en: '1 bomb' } */
export function countBombs(n: number): Bilingual {
  return { ja: `${n}件の爆弾`, en: `${n} ${n === 1 ? 'bomb' : 'bombs'}` };
}

/** Up to three keys, then how many more: `SHIP-1, MAN-2, STK-3 +2`. */
export function keyList(keys: string[]): string {
  const shown = keys.slice(0, 3).join(', ');
  return keys.length > 3 ? `${shown} +${keys.length - 3}` : shown;
}

/** One decimal at most: 9.5, 10. */
export const num = (n: number) => String(Math.round(n * 10) / 10);
