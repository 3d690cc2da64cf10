/**
 * How sign-in attempts are limited (OWASP Authentication Cheat Sheet, "Login Throttling"):
 * - per address, a hard limit of attempts in a window: this is what blocks a guesser;
 * - per account, a delay after each failure that doubles from the fourth on and stops at a few
 *   seconds: it slows a guesser who spreads over many addresses, without locking the real person
 *   out for the whole window (they wait seconds, not 15 minutes).
 * Both count the attempt before the password is checked, so a parallel burst cannot slip past.
 */
export const SIGN_IN_LIMITS = {
  /** Attempts per address in a window that are not (yet) known to have succeeded. */
  perAddress: 50,
  windowSeconds: 15 * 60,
  /** Failures in a row an account may have with no delay (typos). */
  freeAccountAttempts: 3,
  /** The longest an account's next attempt has to wait. */
  maxAccountDelaySeconds: 5,
} as const;

/**
 * Seconds the next attempt on an account waits after its `attempt`-th attempt in a window:
 * 0 for the free ones, then 1, 2, 4, and the cap. The counters' upsert computes the same in SQL
 * (accountDelaySql); this one is what it is tested against.
 */
export function accountDelaySeconds(attempt: number): number {
  const { freeAccountAttempts, maxAccountDelaySeconds } = SIGN_IN_LIMITS;
  if (attempt <= freeAccountAttempts) return 0;
  return Math.min(maxAccountDelaySeconds, 2 ** (attempt - freeAccountAttempts - 1));
}
