import { useUnreadCount } from '../../api/notifications.ts';
import { Link } from '../../app/router.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

/** The header's way into the inbox, on every page: the unread count, or nothing when all is read. */
export function Bell({ current }: { current: boolean }) {
  const { t } = useI18n();
  const count = useUnreadCount().data ?? 0;
  return (
    <Link
      to="/inbox"
      className="bell"
      aria-current={current ? 'page' : undefined}
      aria-label={count > 0 ? t('inbox.bellUnread', { count }) : t('inbox.title')}
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {count > 0 && (
        <span className="bell-count" data-testid="unread-count">
          {count > 99 ? '99+' : count}
        </span>
      )}
    </Link>
  );
}
