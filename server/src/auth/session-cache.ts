import type { Viewer } from '../viewer.ts';

export type ResolvedSession = { viewer: Viewer; sessionId: string };

interface Entry {
  session: ResolvedSession;
  validUntil: number;
}

/**
 * Sessions resolved lately, so a busy board is not one more database round trip per request.
 * Every change to what a person may do (sign-out, disabling, a password, role or departments)
 * drops that person here through the change signal, on every instance; an entry also lapses after
 * `ttlMs` (should a signal be lost), when the session expires, and when its once-a-minute
 * last-seen touch is due, so idle expiry still counts every request.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry & { personId: string }>();
  /** Bumped by every drop: a resolve that read the database before a drop must not store what it read. */
  private generation = 0;

  constructor(
    private readonly ttlMs = 5_000,
    private readonly maxEntries = 10_000,
  ) {}

  get(tokenHash: string, now: Date): ResolvedSession | undefined {
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    if (now.getTime() < entry.validUntil) return entry.session;
    this.entries.delete(tokenHash);
    return undefined;
  }

  /** Call before reading the session from the database; hand the result to `set`. */
  begin(): number {
    return this.generation;
  }

  set(
    tokenHash: string,
    session: ResolvedSession,
    times: { now: Date; lastSeenAt: Date; expiresAt: Date },
    generation: number,
  ): void {
    if (generation !== this.generation) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const validUntil = Math.min(
      times.now.getTime() + this.ttlMs,
      times.expiresAt.getTime(),
      times.lastSeenAt.getTime() + TOUCH_EVERY_MS,
    );
    this.entries.set(tokenHash, { session, validUntil, personId: session.viewer.id });
  }

  /** A person changed (null: changes may have been missed, as after a listener reconnects). */
  drop(personId: string | null): void {
    this.generation++;
    if (personId === null) {
      this.entries.clear();
      return;
    }
    for (const [hash, entry] of this.entries) if (entry.personId === personId) this.entries.delete(hash);
  }
}

/** A session's last-seen time is written at most this often. */
export const TOUCH_EVERY_MS = 60_000;
