import type { Deps } from '../deps.ts';
import { lastNotificationId, notificationsAfter, toNotification } from '../queries/notifications.ts';
import type { LiveSubscriber } from './connection.ts';

/**
 * Sends new inbox rows to their person's open sockets on this instance. A signal names the people
 * (or null: anyone may have missed one); each socket keeps the last row id it was sent, and one
 * person's reads run one after another, so a row goes to each socket once.
 */
export class NotificationFeed {
  private readonly cursors = new WeakMap<LiveSubscriber, number>();
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: Pick<Deps, 'db'>,
    private readonly connectionsOf: (personId: string) => LiveSubscriber[],
    private readonly onError: (err: unknown) => void,
  ) {}

  /** A socket opening now hears only rows written after this. */
  async join(conn: LiveSubscriber): Promise<void> {
    this.cursors.set(conn, await lastNotificationId(this.deps.db, conn.viewer.id));
  }

  wake(personIds: Iterable<string>): void {
    for (const personId of new Set(personIds)) {
      const previous = this.chains.get(personId) ?? Promise.resolve();
      const next = previous
        .then(() => this.send(personId))
        .catch(this.onError)
        .finally(() => {
          if (this.chains.get(personId) === next) this.chains.delete(personId);
        });
      this.chains.set(personId, next);
    }
  }

  private async send(personId: string): Promise<void> {
    const conns = this.connectionsOf(personId).filter((c) => c.open && this.cursors.has(c));
    if (conns.length === 0) return;
    const from = Math.min(...conns.map((c) => this.cursors.get(c) ?? 0));
    const rows = await notificationsAfter(this.deps.db, personId, from);
    for (const conn of conns) {
      const after = this.cursors.get(conn) ?? 0;
      for (const row of rows) {
        if (row.id <= after) continue;
        conn.send(
          Buffer.from(JSON.stringify({ type: 'notification', notification: toNotification(row, conn.viewer.locale) })),
        );
      }
      const last = rows.at(-1);
      if (last) this.cursors.set(conn, Math.max(after, last.id));
    }
  }
}
