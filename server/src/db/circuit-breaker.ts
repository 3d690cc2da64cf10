import { DatabaseUnavailableError, isDatabaseOutage } from './errors.ts';

export interface BreakerOptions {
  /** While open, the database is probed this often. */
  probeEveryMs: number;
  /** A probe that has not answered by then failed. */
  probeTimeoutMs: number;
}

/*
 * Probing every second bounds how long a recovered database keeps being refused; the probe's own
 * second is longer than any healthy `select 1` takes (milliseconds, even across a continent).
 */
export const DEFAULT_BREAKER_OPTIONS: BreakerOptions = { probeEveryMs: 1000, probeTimeoutMs: 1000 };

interface Pending {
  reject(error: unknown): void;
  cancel(): void;
}

/**
 * Fails fast while the database is known to be away. Without it, a request during an outage
 * waited in postgres.js's queue for a connection that reconnects with growing back-off (up to
 * 20 s), then for the request timeout: 13 s and more before the answer.
 *
 * The first work to fail with an outage error (connection refused, closed, timed out, the server
 * shutting down) opens the breaker: from then on new work is refused at once (nothing is sent),
 * and the work already waiting is cancelled and answered at once too. While open, `probe` runs
 * every `probeEveryMs`; the first one to succeed closes the breaker, so service comes back by
 * itself when the database does.
 */
export class CircuitBreaker {
  private opened = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<Pending>();

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly options: BreakerOptions = DEFAULT_BREAKER_OPTIONS,
    private readonly onChange: (open: boolean) => void = () => {},
  ) {}

  get isOpen(): boolean {
    return this.opened;
  }

  /**
   * Runs `start` unless the breaker is open. `cancel` is called if the breaker opens while the
   * work is still waiting; the caller is answered at once either way.
   */
  run<T>(start: () => PromiseLike<T>, cancel: () => void = () => {}): Promise<T> {
    if (this.opened) return Promise.reject(new DatabaseUnavailableError());
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { reject, cancel };
      this.pending.add(entry);
      start().then(
        (value) => {
          this.pending.delete(entry);
          resolve(value);
        },
        (error: unknown) => {
          this.pending.delete(entry);
          if (isDatabaseOutage(error)) this.open();
          reject(error);
        },
      );
    });
  }

  /** Stops probing (the database is being closed). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private open(): void {
    if (this.opened || this.stopped) return;
    this.opened = true;
    this.onChange(true);
    const cut = [...this.pending];
    this.pending.clear();
    for (const entry of cut) {
      entry.cancel();
      entry.reject(new DatabaseUnavailableError());
    }
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    this.timer = setTimeout(() => void this.runProbe(), this.options.probeEveryMs);
    this.timer.unref();
  }

  private async runProbe(): Promise<void> {
    let timeout: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      this.probe().then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) => {
        timeout = setTimeout(() => resolve(false), this.options.probeTimeoutMs);
      }),
    ]);
    clearTimeout(timeout);
    if (this.stopped) return;
    if (!answered) return this.scheduleProbe();
    this.opened = false;
    this.onChange(false);
  }
}
