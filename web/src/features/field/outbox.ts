import type { Bomb } from '@defuse/shared';
import type { FileBombInput } from '../../api/bombs.ts';

/**
 * The filing outbox: every filing is written to the device first and then sent with its own
 * Idempotency-Key until the server answers, so a filing is never lost (it stays until it lands)
 * and never doubled (a resend with the same key returns the first bomb).
 */
export interface OutboxDraft {
  /** Also the Idempotency-Key: one per filing, kept across retries and reloads. */
  key: string;
  input: FileBombInput;
  createdAt: string;
  attempts: number;
  /** `failed`: the server refused the content itself; resending will not help until edited or retried by hand. */
  state: 'pending' | 'failed';
  error?: string;
  nextAttemptAt: number;
}

export interface OutboxStore {
  list(): Promise<OutboxDraft[]>;
  put(draft: OutboxDraft): Promise<void>;
  remove(key: string): Promise<void>;
}

export type SendOutcome =
  | { kind: 'landed'; bomb: Bomb }
  | { kind: 'retry'; error: string }
  | { kind: 'rejected'; error: string };

export type SendDraft = (draft: OutboxDraft) => Promise<SendOutcome>;

/** Which answers are worth resending: the network, the server's bad moments, a busy key, an expired session. */
export function outcomeForStatus(status: number): 'retry' | 'rejected' {
  if (status === 0 || status >= 500) return 'retry';
  if (status === 401 || status === 408 || status === 409 || status === 425 || status === 429) return 'retry';
  return 'rejected';
}

export const BASE_RETRY_MS = 2_000;
export const MAX_RETRY_MS = 60_000;

export function retryDelay(attempts: number): number {
  return Math.min(MAX_RETRY_MS, BASE_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

/** The earliest time a pending draft wants another attempt, for the caller's timer. */
export function nextAttemptAt(drafts: readonly OutboxDraft[]): number | null {
  const times = drafts.filter((d) => d.state === 'pending').map((d) => d.nextAttemptAt);
  return times.length === 0 ? null : Math.min(...times);
}

export interface OutboxOptions {
  newKey?: () => string;
  now?: () => number;
  onLanded?: (bomb: Bomb, draft: OutboxDraft) => void;
}

export class Outbox {
  private drafts: OutboxDraft[] = [];
  private sending = new Set<string>();
  private running: Promise<void> | null = null;
  private again = false;
  private readonly listeners = new Set<() => void>();
  private readonly newKey: () => string;
  private readonly now: () => number;

  constructor(
    private readonly store: OutboxStore,
    private readonly send: SendDraft,
    private readonly options: OutboxOptions = {},
  ) {
    this.newKey = options.newKey ?? (() => crypto.randomUUID());
    this.now = options.now ?? (() => Date.now());
  }

  snapshot = (): readonly OutboxDraft[] => this.drafts;
  isSending = (key: string): boolean => this.sending.has(key);

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  async load(): Promise<void> {
    const stored = await this.store.list();
    this.drafts = stored.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    this.changed();
  }

  /** Keeps the filing on the device before anything goes over the network. */
  async add(input: FileBombInput): Promise<OutboxDraft> {
    const draft: OutboxDraft = {
      key: this.newKey(),
      input,
      createdAt: new Date(this.now()).toISOString(),
      attempts: 0,
      state: 'pending',
      nextAttemptAt: 0,
    };
    await this.store.put(draft);
    this.drafts = [...this.drafts, draft];
    this.changed();
    return draft;
  }

  async discard(key: string): Promise<void> {
    await this.store.remove(key);
    this.drafts = this.drafts.filter((d) => d.key !== key);
    this.changed();
  }

  /** A refused draft the person asked to try again: back to pending, sent now. */
  async retry(key: string): Promise<void> {
    const draft = this.drafts.find((d) => d.key === key);
    if (!draft) return;
    await this.replace({ ...draft, state: 'pending', nextAttemptAt: 0 });
    await this.flush({ force: true });
  }

  /**
   * Sends every pending draft that is due (all of them with `force`, e.g. when the browser comes
   * back online). One flush runs at a time; a call during a flush makes it go round once more.
   */
  flush({ force = false }: { force?: boolean } = {}): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let forceRound = force;
      do {
        this.again = false;
        await this.flushOnce(forceRound);
        forceRound = false;
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async flushOnce(force: boolean): Promise<void> {
    const due = this.drafts.filter((d) => d.state === 'pending' && (force || d.nextAttemptAt <= this.now()));
    for (const draft of due) {
      this.sending.add(draft.key);
      this.changed();
      let outcome: SendOutcome;
      try {
        outcome = await this.send(draft);
      } catch (err) {
        outcome = { kind: 'retry', error: err instanceof Error ? err.message : String(err) };
      } finally {
        this.sending.delete(draft.key);
      }
      const attempts = draft.attempts + 1;
      if (outcome.kind === 'landed') {
        await this.store.remove(draft.key);
        this.drafts = this.drafts.filter((d) => d.key !== draft.key);
        this.changed();
        this.options.onLanded?.(outcome.bomb, draft);
      } else if (outcome.kind === 'retry') {
        await this.replace({
          ...draft,
          attempts,
          error: outcome.error,
          nextAttemptAt: this.now() + retryDelay(attempts),
        });
      } else {
        await this.replace({ ...draft, attempts, error: outcome.error, state: 'failed' });
      }
    }
  }

  private async replace(draft: OutboxDraft): Promise<void> {
    await this.store.put(draft);
    this.drafts = this.drafts.map((d) => (d.key === draft.key ? draft : d));
    this.changed();
  }
}

/** A store that forgets on reload: for tests, and for browsers without IndexedDB. */
export function memoryOutboxStore(): OutboxStore & { rows: Map<string, OutboxDraft> } {
  const rows = new Map<string, OutboxDraft>();
  return {
    rows,
    list: async () => [...rows.values()].map((d) => structuredClone(d)),
    put: async (draft) => {
      rows.set(draft.key, structuredClone(draft));
    },
    remove: async (key) => {
      rows.delete(key);
    },
  };
}
