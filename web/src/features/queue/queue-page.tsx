import { type Bomb, CATEGORIES, type Category, type Person, type Status } from '@defuse/shared';
import { useState } from 'react';
import { useBombAction, useBombs } from '../../api/bombs.ts';
import { ApiRequestError, errorMessage } from '../../api/client.ts';
import { type Names, useDepartments, useNames } from '../../api/directory.ts';
import type { BombFilters } from '../../api/keys.ts';
import { Link, navigate, useLocation } from '../../app/router.tsx';
import { CategoryIcon, Countdown, ErrorNote, ListMore, Loading, StatusBadge } from '../../app/ui.tsx';
import { useNow } from '../../app/use-now.ts';
import { useI18n } from '../../i18n/i18n.tsx';

const QUEUE_STATUSES: Status[] = ['open', 'claimed', 'waiting'];
/** The picker's value for every department (pms and admins): one list with no department filter. */
const EVERY_DEPARTMENT = '*';
const queueFilters = (departmentId: string | undefined, category: Category | undefined): BombFilters => ({
  ...(departmentId && { departmentId }),
  ...(category && { category }),
  status: QUEUE_STATUSES,
  sort: 'claimDue',
});
const isCategory = (value: string | null): value is Category => (CATEGORIES as readonly string[]).includes(value ?? '');

/**
 * The department queue. `?department=&category=` (the dashboard's heatmap drill-down) picks the
 * list; pms and admins start on every department, others on their own departments, one list each.
 */
export function QueuePage({ me }: { me: Person }) {
  const { t } = useI18n();
  const { search } = useLocation();
  const [tab, setTab] = useState<'department' | 'mine'>('department');
  const departments = useDepartments().data ?? [];
  const manager = me.role === 'pm' || me.role === 'admin';
  const picked = search.get('department') ?? (manager ? EVERY_DEPARTMENT : '');
  const rawCategory = search.get('category');
  const category = isCategory(rawCategory) ? rawCategory : undefined;
  const lists: (string | undefined)[] =
    picked === EVERY_DEPARTMENT && manager ? [undefined] : picked ? [picked] : me.departmentIds;
  const pick = (department: string, nextCategory = category) => {
    const params = new URLSearchParams();
    if (department) params.set('department', department);
    if (nextCategory) params.set('category', nextCategory);
    navigate(`/queue${params.size > 0 ? `?${params}` : ''}`, { replace: true });
  };

  return (
    <section>
      <div className="page-head">
        <h1>{t('queue.title')}</h1>
      </div>
      <div className="toolbar">
        <div role="tablist" aria-label={t('queue.title')} className="tabs">
          <button type="button" role="tab" aria-selected={tab === 'department'} onClick={() => setTab('department')}>
            {t('queue.all')}
          </button>
          <button type="button" role="tab" aria-selected={tab === 'mine'} onClick={() => setTab('mine')}>
            {t('queue.claimedByMe')}
          </button>
        </div>
        {tab === 'department' && (manager || me.departmentIds.length > 1) && (
          <label className="field inline">
            <span>{t('common.department')}</span>
            <select value={picked} onChange={(e) => pick(e.target.value)}>
              {manager ? (
                <option value={EVERY_DEPARTMENT}>{t('queue.allDepartments')}</option>
              ) : (
                <option value="">{t('queue.all')}</option>
              )}
              {departments
                .filter((d) => manager || me.departmentIds.includes(d.id))
                .map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
            </select>
          </label>
        )}
        {tab === 'department' && category && (
          <span className="chip">
            {t('queue.filteredCategory', { category: t(`category.${category}`) })}{' '}
            <button type="button" className="ghost small" onClick={() => pick(picked, undefined)}>
              {t('queue.clearFilter')}
            </button>
          </span>
        )}
      </div>
      {tab === 'mine' ? (
        <QueueList filters={{ assigneeId: me.id, status: ['claimed', 'waiting'], sort: 'claimDue' }} me={me} />
      ) : lists.length === 0 ? (
        <p className="muted">{t('queue.noDepartments')}</p>
      ) : (
        lists.map((id) => (
          <QueueList
            key={id ?? EVERY_DEPARTMENT}
            filters={queueFilters(id, category)}
            me={me}
            title={lists.length > 1 && id ? id : undefined}
          />
        ))
      )}
    </section>
  );
}

/** One paged list: its total, the bombs loaded so far, and the next page on request. */
function QueueList({ filters, me, title }: { filters: BombFilters; me: Person; title?: string | undefined }) {
  const { t } = useI18n();
  const now = useNow();
  const names = useNames();
  const list = useBombs(filters);
  return (
    <section className="queue-list" aria-label={title ? names.departments.get(title) : undefined}>
      {title && <h2>{names.departments.get(title) ?? '—'}</h2>}
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ErrorNote error={list.error} onRetry={() => void list.refetch()} />
      ) : list.items.length === 0 ? (
        <p className="muted">{t('queue.empty')}</p>
      ) : (
        <>
          <ul className="queue" aria-label={t('queue.title')}>
            {list.items.map((bomb) => (
              <QueueRow key={bomb.id} bomb={bomb} now={now} names={names} me={me} />
            ))}
          </ul>
          <ListMore list={list} />
        </>
      )}
    </section>
  );
}

function QueueRow({ bomb, now, names, me }: { bomb: Bomb; now: number; names: Names; me: Person }) {
  const { t } = useI18n();
  const action = useBombAction(bomb.id);
  const claimError =
    action.error instanceof ApiRequestError && action.error.code === 'already_claimed'
      ? t('action.alreadyClaimed')
      : action.error
        ? t('action.failed', { message: errorMessage(action.error) })
        : null;
  return (
    <li className="queue-row" data-testid="queue-row" data-bomb-key={bomb.key}>
      <CategoryIcon category={bomb.category} size={22} />
      <div className="queue-main">
        <Link to={`/bombs/${bomb.id}`} className="bomb-link">
          <span className="key">{bomb.key}</span> {bomb.title}
        </Link>
        <div className="muted small">
          <span className={`sev sev-${bomb.severity}`}>{t(`severity.${bomb.severity}`)}</span>
          {' · '}
          {t(`category.${bomb.category}`)}
          {bomb.departmentId && ` · ${names.departments.get(bomb.departmentId) ?? ''}`}
          {bomb.assigneeId && ` · ${names.people.get(bomb.assigneeId) ?? ''}`}
          {bomb.tier > 0 && ` · ${t('bomb.tier', { tier: bomb.tier })}`}
          {bomb.bounces > 0 && ` · ${t('bomb.bounces', { count: bomb.bounces })}`}
        </div>
        {claimError && (
          <p role="alert" className="error small">
            {claimError}
          </p>
        )}
      </div>
      <div className="queue-side">
        <Countdown bomb={bomb} now={now} />
        <StatusBadge status={bomb.status} />
        {bomb.status === 'open' && bomb.assigneeId !== me.id && (
          <button
            type="button"
            className="primary"
            disabled={action.isPending}
            aria-label={`${t('queue.claim')} ${bomb.key}`}
            onClick={() => action.mutate({ action: { kind: 'claim' } })}
          >
            {t('queue.claim')}
          </button>
        )}
      </div>
    </li>
  );
}
