import type { Locale } from '@defuse/shared';

/**
 * The language the board shows now, for requests: the server renders reasons and notes in it
 * (Accept-Language), not in the account's stored locale. Set synchronously with the choice, so a
 * request made during the first render already carries it.
 */
let current: Locale = 'ja';

export const boardLanguage = (): Locale => current;
export function setBoardLanguage(locale: Locale): void {
  current = locale;
}
