/** One item's answer from a group: its value, or the error that item alone gets. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: changes that arrive while others are being written go to the database together,
 * in one transaction, each still all-or-nothing. An item never waits for company: with a slot
 * free it goes at once, alone; only under load do the waiting ones gather, up to `maxGroup`.
 * Per-transaction costs (round trips, statement start-up, the commit's flush) are then paid once
 * per group instead of once per change.
 *
 * `write` answers each item (an item it refuses gets its own error). When `write` throws, the
 * transaction rolled back as a whole. If the error is one that a single item can cause
 * (`retryAlone`: a unique or check violation), every item of the group goes again alone, so one
 * item's fault never fails the others; any other error (a lost connection, a bug) would fail
 * them alone as well, so the whole group gets it at once instead of one transaction per item.
 */
export class GroupCommit<I, O> {
  private readonly waiting: Waiting<I, O>[] = [];
  private running = 0;

  constructor(
    private readonly write: (items: I[]) => Promise<Outcome<O>[]>,
    private readonly options: { slots: number; maxGroup: number; retryAlone: (error: unknown) => boolean },
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    while (this.running < this.options.slots && this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.options.maxGroup);
      this.running++;
      void this.settle(group).finally(() => {
        this.running--;
        this.next();
      });
    }
  }

  private async settle(group: Waiting<I, O>[]): Promise<void> {
    let outcomes: Outcome<O>[];
    try {
      outcomes = await this.write(group.map((w) => w.item));
    } catch (err) {
      if (group.length > 1 && this.options.retryAlone(err)) {
        for (const one of group) await this.settle([one]);
      } else {
        for (const one of group) one.reject(err);
      }
      return;
    }
    group.forEach((w, i) => {
      const outcome = outcomes[i];
      if (!outcome) w.reject(new Error('group commit: no outcome for an item'));
      else if (outcome.ok) w.resolve(outcome.value);
      else w.reject(outcome.error);
    });
  }
}
