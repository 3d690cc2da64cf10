import type { Digest, QuietHours } from '@defuse/shared';

const DAY_MINUTES = 24 * 60;
/** Daily digests go out at this local time (in the person's quiet-hours time zone, else UTC). */
const DAILY_AT_MINUTES = 8 * 60;

const minutesOf = (hhmm: string) => {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/** The local time of day at `at` in `timeZone`, in minutes (seconds dropped). */
export function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return part('hour') * 60 + part('minute');
}

/** `at` moved to the start of its minute, then `minutes` on. */
const plusMinutes = (at: Date, minutes: number) => {
  const start = Math.floor(at.getTime() / 60_000) * 60_000;
  return new Date(start + minutes * 60_000);
};

/**
 * When the quiet hours around `at` end, or null when `at` is outside them. `from` after `to`
 * spans midnight (22:00–07:00); `from` equal to `to` is never quiet. Wall-clock minutes are
 * counted forward from now, so a DST change inside the quiet hours shifts the end by its hour.
 */
export function quietHoursEnd(at: Date, quiet: QuietHours | null): Date | null {
  if (!quiet) return null;
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  if (from === to) return null;
  const now = localMinutes(at, quiet.timeZone);
  const inside = from < to ? now >= from && now < to : now >= from || now < to;
  if (!inside) return null;
  return plusMinutes(at, (to - now + DAY_MINUTES) % DAY_MINUTES);
}

/** When the next digest of this cadence goes out after `at` (the top of the next local hour, or the next 08:00). */
export function nextDigestAt(at: Date, digest: Exclude<Digest, 'off'>, timeZone: string): Date {
  const now = localMinutes(at, timeZone);
  if (digest === 'hourly') return plusMinutes(at, 60 - (now % 60));
  const wait = (DAILY_AT_MINUTES - now + DAY_MINUTES) % DAY_MINUTES;
  return plusMinutes(at, wait === 0 ? DAY_MINUTES : wait);
}

/** When a message due at `at` may go out: at once, or when the quiet hours end. */
export function sendAt(at: Date, quiet: QuietHours | null): Date {
  return quietHoursEnd(at, quiet) ?? at;
}
