import { LOCALES, type Locale } from '@defuse/shared';

const isLocale = (tag: string): tag is Locale => (LOCALES as readonly string[]).includes(tag);

/**
 * The language of the board making the request, from its Accept-Language: what the viewer is
 * reading right now wins over the account's stored locale (a pm on the English board reads
 * English reasons). Without a ja or en range the account's locale stands.
 */
export function boardLocale(header: string | undefined, fallback: Locale): Locale {
  if (!header) return fallback;
  const ranges = header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.q > 0 && Number.isFinite(r.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const r of ranges) if (isLocale(r.primary)) return r.primary;
  return fallback;
}
