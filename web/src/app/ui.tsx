import type { Bomb, Category, IsolationState } from '@defuse/shared';
import type { ReactNode } from 'react';
import { errorMessage } from '../api/client.ts';
import { activeDeadline, riskOf } from '../features/queue/risk.ts';
import { formatDateTime, formatDuration, formatNumber } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from './router.tsx';

/** `paused`: the query waits for the network (TanStack pauses fetches while offline). */
export function Loading({ paused = false }: { paused?: boolean }) {
  const { t } = useI18n();
  return (
    <p className="muted" aria-live="polite">
      {t(paused ? 'common.offlineWaiting' : 'common.loading')}
    </p>
  );
}

export function ErrorNote({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <p role="alert" className="error">
      {t('common.error', { message: errorMessage(error) })}{' '}
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </p>
  );
}

/** What became of a save: the server's reason when it failed, a quiet "saved" when it worked. */
export function SaveNote({ error, success = false }: { error: unknown; success?: boolean }) {
  const { t } = useI18n();
  if (error)
    return (
      <p role="alert" className="error">
        {t('action.failed', { message: errorMessage(error) })}
      </p>
    );
  return success ? <p className="ok">{t('common.saved')}</p> : null;
}

/** `<option>`s for a list of named things (departments, people, products). */
export function NamedOptions({ items }: { items: readonly { id: string; name: string }[] }) {
  return (
    <>
      {items.map((item) => (
        <option key={item.id} value={item.id}>
          {item.name}
        </option>
      ))}
    </>
  );
}

/** A scrollable table with column headers; rows are the children. */
export function Table({ headers, children }: { headers: readonly string[]; children: ReactNode }) {
  return (
    <div className="table-scroll">
      <table>
        <thead>
          <tr>
            {headers.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export function StatusBadge({ status }: { status: Bomb['status'] }) {
  const { t } = useI18n();
  return <span className={`badge status-${status}`}>{t(`status.${status}`)}</span>;
}

export function StateBadge({ state }: { state: IsolationState }) {
  const { t } = useI18n();
  return <span className={`badge state-${state}`}>{t(`isolation.${state}`)}</span>;
}

/** The live countdown of a bomb's current deadline, colored by risk; `now` comes from the view's one timer. */
export function Countdown({ bomb, now }: { bomb: Bomb; now: number }) {
  const { t, locale } = useI18n();
  const deadline = activeDeadline(bomb);
  if (!deadline) return null;
  const risk = riskOf(deadline, now);
  const left = Date.parse(deadline.dueAt) - now;
  const text = deadline.paused
    ? t('countdown.paused')
    : left > 0
      ? t('countdown.left', { time: formatDuration(left, locale) })
      : t('countdown.overdue', { time: formatDuration(left, locale) });
  return (
    <span
      className={`countdown risk-${risk}`}
      data-risk={risk}
      title={`${t(deadline.kind === 'claim' ? 'countdown.claim' : 'countdown.resolve')} ${formatDateTime(deadline.dueAt, locale)} · ${t(`risk.${risk}`)}`}
    >
      <span className="risk-dot" aria-hidden="true" />
      <span className="visually-hidden">{t(`risk.${risk}`)}: </span>
      {text}
    </span>
  );
}

const ICON_PATHS: Record<Category, ReactNode> = {
  shipping: (
    <>
      <path d="M3 7h11v9H3zM14 10h4l3 3v3h-7z" />
      <circle cx="7" cy="17.5" r="1.8" />
      <circle cx="17" cy="17.5" r="1.8" />
    </>
  ),
  manual: (
    <>
      <path d="M4 5.5C6.5 4 9.5 4 12 5.5v14C9.5 18 6.5 18 4 19.5zM12 5.5c2.5-1.5 5.5-1.5 8 0v14c-2.5-1.5-5.5-1.5-8 0" />
    </>
  ),
  stock: (
    <>
      <path d="M3 12h8v8H3zM13 12h8v8h-8zM8 4h8v8H8z" />
    </>
  ),
  expectation: (
    <>
      <circle cx="12" cy="12" r="8" />
      <circle cx="12" cy="12" r="4" />
      <circle cx="12" cy="12" r="0.8" />
    </>
  ),
  quality: (
    <>
      <path d="M12 3l7 3v5c0 4.5-3 8-7 10-4-2-7-5.5-7-10V6z" />
      <path d="M8.5 12l2.5 2.5 4.5-5" />
    </>
  ),
  other: (
    <>
      <circle cx="6" cy="12" r="1.5" />
      <circle cx="12" cy="12" r="1.5" />
      <circle cx="18" cy="12" r="1.5" />
    </>
  ),
};

export function CategoryIcon({ category, size = 28 }: { category: Category; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.7"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      {ICON_PATHS[category]}
    </svg>
  );
}

/** What ListMore reads of a paged list (useBombs). */
interface PagedList {
  items: readonly unknown[];
  total: number;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/**
 * Under a paged list: how much of the whole set is on screen, and the next page on request, so a
 * long list never silently stops at its first page.
 */
export function ListMore({ list }: { list: PagedList }) {
  const { t, locale } = useI18n();
  const shown = list.items.length;
  return (
    <div className="list-more">
      <span className="muted small" data-testid="list-shown">
        {t('list.shown', {
          shown: formatNumber(shown, locale, 0),
          total: formatNumber(Math.max(list.total, shown), locale, 0),
        })}
      </span>
      {list.hasNextPage && (
        <button
          type="button"
          className="ghost"
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          {t('list.more')}
        </button>
      )}
    </div>
  );
}

/**
 * The bombs a reason or gap names, as links by their keys (SHIP-12). A bomb the server gave no
 * key for is one the viewer may not open: it is left out rather than shown as an id.
 */
export function BombChips({ ids, keys, max }: { ids: readonly string[]; keys?: Record<string, string>; max?: number }) {
  const named = ids.flatMap((id) => {
    const key = keys?.[id];
    return key ? [{ id, key }] : [];
  });
  return (
    <>
      {named.slice(0, max).map(({ id, key }) => (
        <Link key={id} to={`/bombs/${id}`} className="chip">
          {key}
        </Link>
      ))}
    </>
  );
}
