import { setTimeout as delay } from 'node:timers/promises';
import type postgres from 'postgres';
import type { ChangeSignal } from '../deps.ts';
import { LocalSignal } from './local-signal.ts';

/** The channel every instance listens on; its payload is a seq, never an event. */
export const EVENTS_CHANNEL = 'defuse_events';
/** Whose access changed; its payload is a person id, never a token. */
export const PEOPLE_CHANNEL = 'defuse_people';
/** Who has new inbox rows: person ids, comma-separated, never the notifications themselves. */
export const NOTIFIED_CHANNEL = 'defuse_notified';
/** NOTIFY payloads stop at 8000 bytes: 36-character ids, 200 to a message. */
const IDS_PER_NOTIFY = 200;

/**
 * Commits signalled across instances with PostgreSQL LISTEN/NOTIFY. The notification is only a
 * wake-up: listeners read the event table, so a lost or late notification loses nothing, and a
 * listener that reconnects is told to re-read (seq 0). NOTIFY is sent after commit (runChange
 * calls `committed`), coalesced: a burst of commits while one NOTIFY is in flight costs one more.
 * A second channel carries the id of a person whose access changed, so that every instance closes
 * or re-checks that person's sockets at once; a listener that reconnects re-checks them all.
 */
export class PgSignal implements ChangeSignal {
  private readonly local = new LocalSignal();
  /** Highest seq committed since the last NOTIFY; 0 when nothing waits. */
  private burstSeq = 0;
  /** People whose change is still to be announced to the other instances. */
  private readonly changedPeople = new Set<string>();
  /** People with new inbox rows still to be announced. */
  private readonly notifiedPeople = new Set<string>();
  private flushing: Promise<void> | undefined;
  private closed = false;
  private readonly unlisten: (() => Promise<void>)[] = [];
  /** NOTIFY statements sent, to check the coalescing. */
  notifications = 0;

  private constructor(
    private readonly sql: postgres.Sql,
    private readonly onError: (err: unknown) => void,
  ) {}

  static async start(sql: postgres.Sql, onError: (err: unknown) => void = () => {}): Promise<PgSignal> {
    const signal = new PgSignal(sql, onError);
    const { unlisten } = await sql.listen(
      EVENTS_CHANNEL,
      (payload) => {
        const seq = Number(payload);
        if (Number.isSafeInteger(seq) && seq > 0) signal.local.committed(seq);
      },
      // Runs on every (re)listen: notifications sent while the connection was down are gone.
      () => signal.local.committed(0),
    );
    signal.unlisten.push(unlisten);
    const people = await sql.listen(
      PEOPLE_CHANNEL,
      (payload) => signal.local.personChanged(payload),
      // Missed announcements: re-check every socket, rather than wait for the periodic re-check.
      () => signal.local.personChanged(null),
    );
    signal.unlisten.push(people.unlisten);
    const notified = await sql.listen(
      NOTIFIED_CHANNEL,
      (payload) => signal.local.notified(payload.split(',').filter((id) => id !== '')),
      () => signal.local.notified(null),
    );
    signal.unlisten.push(notified.unlisten);
    return signal;
  }

  committed(lastSeq: number): void {
    // This instance's own clients need no round trip through the database.
    this.local.committed(lastSeq);
    this.burstSeq = Math.max(this.burstSeq, lastSeq);
    this.kick();
  }

  personChanged(personId: string): void {
    this.local.personChanged(personId);
    this.changedPeople.add(personId);
    this.kick();
  }

  subscribePeople(listener: (personId: string | null) => void): () => void {
    return this.local.subscribePeople(listener);
  }

  notified(personIds: string[]): void {
    // Every instance, this one included, hears it through the database: one path for all.
    for (const id of personIds) this.notifiedPeople.add(id);
    this.kick();
  }

  subscribeNotified(listener: (personIds: string[] | null) => void): () => void {
    return this.local.subscribeNotified(listener);
  }

  private get pending(): boolean {
    return this.burstSeq > 0 || this.changedPeople.size > 0 || this.notifiedPeople.size > 0;
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      // A commit may have landed between the loop's last check and here.
      if (this.pending && !this.closed) this.kick();
    });
  }

  /** Resolves once every commit signalled so far has been notified. */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  subscribe(listener: (lastSeq: number) => void): () => void {
    return this.local.subscribe(listener);
  }

  private async flush(): Promise<void> {
    // Commits finishing in this turn of the event loop join the same NOTIFY.
    await new Promise((resolve) => setImmediate(resolve));
    while (!this.closed && this.pending) {
      const seq = this.burstSeq;
      const people = [...this.changedPeople];
      const notified = [...this.notifiedPeople];
      this.burstSeq = 0;
      this.changedPeople.clear();
      this.notifiedPeople.clear();
      try {
        if (seq > 0) {
          await this.sql.notify(EVENTS_CHANNEL, String(seq));
          this.notifications += 1;
        }
        while (people[0] !== undefined) {
          await this.sql.notify(PEOPLE_CHANNEL, people[0]);
          people.shift();
        }
        while (notified.length > 0) {
          await this.sql.notify(NOTIFIED_CHANNEL, notified.slice(0, IDS_PER_NOTIFY).join(','));
          notified.splice(0, IDS_PER_NOTIFY);
        }
      } catch (err) {
        // The database is away: other instances will re-read when they relisten; retry meanwhile.
        this.burstSeq = Math.max(this.burstSeq, seq);
        for (const personId of people) this.changedPeople.add(personId);
        for (const personId of notified) this.notifiedPeople.add(personId);
        this.onError(err);
        await delay(1000);
      }
    }
  }

  /** Sends what is pending (for a while, should the database be away), then stops listening. */
  async close(): Promise<void> {
    await Promise.race([this.settled(), delay(2000)]);
    this.closed = true;
    for (const unlisten of this.unlisten) await unlisten().catch(() => {});
  }
}
