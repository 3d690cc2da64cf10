import type { Bomb, Person, Status } from '@defuse/shared';
import { useQueries } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { compareBombs } from '../../api/bomb-cache.ts';
import { fetchBombs, useBombAction, useBombs } from '../../api/bombs.ts';
import { ApiRequestError, errorMessage } from '../../api/client.ts';
import { type Names, useDepartments, useNames } from '../../api/directory.ts';
import { type BombFilters, bombKeys } from '../../api/keys.ts';
import { Link } from '../../app/router.tsx';
import { CategoryIcon, Countdown, ErrorNote, Loading, StatusBadge } from '../../app/ui.tsx';
import { useNow } from '../../app/use-now.ts';
import { useI18n } from '../../i18n/i18n.tsx';

const QUEUE_STATUSES: Status[] = ['open', 'claimed', 'waiting'];
const queueFilters = (departmentId: string): BombFilters => ({
  departmentId,
  status: QUEUE_STATUSES,
  sort: 'claimDue',
});

export function QueuePage({ me }: { me: Person }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<'department' | 'mine'>('department');
  const departments = useDepartments().data ?? [];
  const manager = me.role === 'pm' || me.role === 'admin';
  const [picked, setPicked] = useState<string>('');
  const departmentIds = picked ? [picked] : me.departmentIds;
  const now = useNow();
  const names = useNames();

  const lists = useQueries({
    queries: departmentIds.map((id) => ({
      queryKey: bombKeys.list(queueFilters(id)),
      queryFn: () => fetchBombs(queueFilters(id)),
      enabled: tab === 'department',
    })),
  });
  const mine = useBombs({ assigneeId: me.id, status: ['claimed', 'waiting'], sort: 'claimDue' }, tab === 'mine');

  const items = useMemo(() => {
    if (tab === 'mine') return mine.data ?? [];
    return lists.flatMap((q) => q.data ?? []).sort(compareBombs('claimDue'));
  }, [tab, lists, mine.data]);
  const pending = tab === 'mine' ? mine.isPending : lists.some((q) => q.isPending);
  const error = tab === 'mine' ? mine.error : lists.find((q) => q.error)?.error;

  return (
    <section>
      <div className="page-head">
        <h1>{t('queue.title')}</h1>
        <span className="muted">{t('queue.count', { count: items.length })}</span>
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
            <select value={picked} onChange={(e) => setPicked(e.target.value)}>
              <option value="">{t('queue.all')}</option>
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
      </div>
      {tab === 'department' && departmentIds.length === 0 ? (
        <p className="muted">{t('queue.noDepartments')}</p>
      ) : pending ? (
        <Loading />
      ) : error ? (
        <ErrorNote error={error} />
      ) : items.length === 0 ? (
        <p className="muted">{t('queue.empty')}</p>
      ) : (
        <ul className="queue" aria-label={t('queue.title')}>
          {items.map((bomb) => (
            <QueueRow key={bomb.id} bomb={bomb} now={now} names={names} me={me} />
          ))}
        </ul>
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
