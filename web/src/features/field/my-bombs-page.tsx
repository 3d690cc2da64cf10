import type { Bomb, Person, Status } from '@defuse/shared';
import { useState } from 'react';
import { useBomb, useBombAction, useBombs } from '../../api/bombs.ts';
import { errorMessage } from '../../api/client.ts';
import { type Names, useNames } from '../../api/directory.ts';
import { Link } from '../../app/router.tsx';
import { CategoryIcon, Countdown, ErrorNote, ListMore, Loading, StatusBadge } from '../../app/ui.tsx';
import { useNow } from '../../app/use-now.ts';
import { formatRelative } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useOutbox } from './outbox-provider.tsx';
import { handoffCount, ownerSince } from './ownership.ts';

const ACTIVE: Status[] = ['open', 'claimed', 'waiting', 'resolved'];
const ALL: Status[] = [...ACTIVE, 'closed'];

export function MyBombsPage({ me }: { me: Person }) {
  const { t } = useI18n();
  const [showClosed, setShowClosed] = useState(false);
  const bombs = useBombs({ filedById: me.id, status: showClosed ? ALL : ACTIVE });
  const names = useNames();
  const now = useNow();
  return (
    <section>
      <div className="page-head">
        <h1>{t('mine.title')}</h1>
        <Link to="/file" className="button primary">
          {t('nav.file')}
        </Link>
      </div>
      <OutboxList />
      <label className="check">
        <input type="checkbox" checked={showClosed} onChange={(e) => setShowClosed(e.target.checked)} />
        <span>{t('mine.showClosed')}</span>
      </label>
      {bombs.isPending ? (
        <Loading paused={bombs.fetchStatus === 'paused'} />
      ) : bombs.error ? (
        <ErrorNote error={bombs.error} onRetry={() => void bombs.refetch()} />
      ) : bombs.items.length === 0 ? (
        <p className="muted">{t('mine.empty')}</p>
      ) : (
        <>
          <ul className="cards" aria-label={t('mine.title')}>
            {bombs.items.map((bomb) => (
              <MyBombCard key={bomb.id} bomb={bomb} names={names} now={now} />
            ))}
          </ul>
          <ListMore list={bombs} />
        </>
      )}
    </section>
  );
}

function OutboxList() {
  const { t, locale } = useI18n();
  const { outbox, drafts } = useOutbox();
  if (drafts.length === 0) return null;
  return (
    <section aria-labelledby="outbox-title" className="outbox">
      <h2 id="outbox-title">{t('outbox.title')}</h2>
      <ul className="cards">
        {drafts.map((draft) => (
          <li key={draft.key} className={`card draft draft-${draft.state}`} data-testid="outbox-draft">
            <div className="card-head">
              <CategoryIcon category={draft.input.category} size={20} />
              <strong>{draft.input.title}</strong>
              <span className="badge pending">
                {outbox.isSending(draft.key) ? t('outbox.sending') : t('outbox.pending')}
              </span>
            </div>
            <p className="muted small">
              {formatRelative(draft.createdAt, Date.now(), locale)}
              {draft.attempts > 0 && ` · ${t('outbox.attempts', { count: draft.attempts })}`}
            </p>
            {draft.state === 'failed' && (
              <p role="alert" className="error">
                {t('outbox.failed', { message: draft.error ?? '' })}
              </p>
            )}
            <div className="actions">
              <button type="button" onClick={() => void outbox.retry(draft.key)}>
                {t('outbox.retryNow')}
              </button>
              {draft.state === 'failed' && (
                <button type="button" className="danger" onClick={() => void outbox.discard(draft.key)}>
                  {t('outbox.discard')}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function MyBombCard({ bomb, names, now }: { bomb: Bomb; names: Names; now: number }) {
  const { t, locale } = useI18n();
  const detail = useBomb(bomb.id);
  const action = useBombAction(bomb.id);
  const events = detail.data?.events ?? [];
  const department = (bomb.departmentId && names.departments.get(bomb.departmentId)) || '—';
  const owner = bomb.assigneeId
    ? t('mine.ownedBy', { name: names.people.get(bomb.assigneeId) ?? t('common.unknownPerson'), department })
    : t('mine.waitingClaim', { department });
  return (
    <li className="card" data-testid="my-bomb" data-bomb-key={bomb.key}>
      <div className="card-head">
        <CategoryIcon category={bomb.category} size={20} />
        <Link to={`/bombs/${bomb.id}`} className="bomb-link">
          <span className="key">{bomb.key}</span> {bomb.title}
        </Link>
        <StatusBadge status={bomb.status} />
      </div>
      <dl className="facts">
        <div>
          <dt>{t('mine.owner')}</dt>
          <dd data-testid="owner">
            {owner}{' '}
            <span className="muted">
              {t('mine.since', { time: formatRelative(ownerSince(bomb, events), now, locale) })}
            </span>
          </dd>
        </div>
        <div>
          <dt>{t('mine.nextDeadline')}</dt>
          <dd>
            <Countdown bomb={bomb} now={now} />
            {bomb.status !== 'open' && bomb.status !== 'claimed' && bomb.status !== 'waiting' && '—'}
          </dd>
        </div>
        <div>
          <dt className="visually-hidden">{t('mine.handoffs', { count: '' })}</dt>
          <dd className="muted">{t('mine.handoffs', { count: handoffCount(bomb, events) })}</dd>
        </div>
      </dl>
      {(bomb.status === 'resolved' || bomb.status === 'closed') && (
        <div className="actions">
          {bomb.status === 'resolved' && (
            <button
              type="button"
              className="primary"
              disabled={action.isPending}
              onClick={() => action.mutate({ action: { kind: 'transition', to: 'closed' }, version: bomb.version })}
            >
              {t('mine.confirm')}
            </button>
          )}
          <button
            type="button"
            disabled={action.isPending}
            onClick={() => action.mutate({ action: { kind: 'transition', to: 'open' }, version: bomb.version })}
          >
            {t('mine.reopen')}
          </button>
        </div>
      )}
      {action.error && (
        <p role="alert" className="error">
          {t('action.failed', { message: errorMessage(action.error) })}
        </p>
      )}
    </li>
  );
}
