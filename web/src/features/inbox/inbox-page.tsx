import type { Notification } from '@defuse/shared';
import { useInbox, useMarkRead } from '../../api/notifications.ts';
import { Link } from '../../app/router.tsx';
import { ErrorNote, Loading } from '../../app/ui.tsx';
import { formatDateTime } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

interface Group {
  key: string;
  bombId: string | null;
  bombKey: string | null;
  items: Notification[];
}

/** Items about one bomb together, groups in the order of their newest item. */
export function groupByBomb(items: Notification[]): Group[] {
  const groups = new Map<string, Group>();
  for (const item of items) {
    const key = item.bombId ?? `item:${item.id}`;
    const group = groups.get(key) ?? { key, bombId: item.bombId, bombKey: item.bombKey, items: [] };
    group.items.push(item);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export default function InboxPage() {
  const { t, locale } = useI18n();
  const inbox = useInbox();
  const markRead = useMarkRead();
  if (inbox.isPending) return <Loading />;
  if (inbox.error) return <ErrorNote error={inbox.error} onRetry={() => void inbox.refetch()} />;
  const { items, unreadCount } = inbox.data;
  return (
    <section className="inbox">
      <div className="inbox-head">
        <h1>{t('inbox.title')}</h1>
        <Link to="/settings/notifications">{t('inbox.preferences')}</Link>
        <button
          type="button"
          disabled={unreadCount === 0 || markRead.isPending}
          onClick={() => markRead.mutate({ all: true })}
        >
          {t('inbox.markAll')}
        </button>
      </div>
      {items.length === 0 && <p className="muted">{t('inbox.empty')}</p>}
      {groupByBomb(items).map((group) => (
        <section key={group.key} className="panel inbox-group" aria-label={group.bombKey ?? t('inbox.other')}>
          {group.bombId && (
            <h2>
              <Link to={`/bombs/${group.bombId}`}>{group.bombKey}</Link>
            </h2>
          )}
          <ul className="inbox-list">
            {group.items.map((item) => (
              <li key={item.id} className={item.readAt ? 'read' : 'unread'} data-kind={item.kind}>
                <p className="inbox-title">
                  {group.bombId ? <Link to={`/bombs/${group.bombId}`}>{item.title}</Link> : item.title}
                </p>
                <p>{item.body}</p>
                <p className="muted">
                  <time dateTime={item.at}>{formatDateTime(item.at, locale)}</time>
                  {!item.readAt && (
                    <button
                      type="button"
                      className="ghost"
                      onClick={() => markRead.mutate({ ids: [item.id] })}
                      disabled={markRead.isPending}
                    >
                      {t('inbox.markRead')}
                    </button>
                  )}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}
