import {
  type BombAction as Allowed,
  allowedActions,
  type Bomb,
  type Department,
  type Person,
  ROOT_CAUSES,
  type RootCause,
} from '@defuse/shared';
import { type FormEvent, useState } from 'react';
import { type BombActionRequest, useBomb, useBombAction, useComment } from '../../api/bombs.ts';
import { ApiRequestError, errorMessage } from '../../api/client.ts';
import { useDepartments, useNames } from '../../api/directory.ts';
import { Link } from '../../app/router.tsx';
import { CategoryIcon, Countdown, ErrorNote, Loading, NamedOptions, StatusBadge } from '../../app/ui.tsx';
import { useNow } from '../../app/use-now.ts';
import { formatDateTime, formatRelative } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeEvent } from './describe-event.ts';

export function BombPage({ id, me }: { id: string; me: Person }) {
  const { t, locale } = useI18n();
  const detail = useBomb(id);
  const names = useNames();
  const departments = useDepartments();
  const now = useNow();
  if (detail.isPending) return <Loading />;
  if (detail.error) {
    if (detail.error instanceof ApiRequestError && detail.error.status === 404) return <p>{t('bomb.notFound')}</p>;
    return <ErrorNote error={detail.error} onRetry={() => void detail.refetch()} />;
  }
  const { bomb, events } = detail.data;
  const allowed = new Set(allowedActions(actingPerson(me, departments.data), bomb));
  return (
    <article className="bomb-page">
      <header className="bomb-head">
        <CategoryIcon category={bomb.category} />
        <h1>
          <span className="key">{bomb.key}</span> {bomb.title}
        </h1>
        <StatusBadge status={bomb.status} />
        <Countdown bomb={bomb} now={now} />
      </header>
      <dl className="facts wide">
        <div>
          <dt>{t('category.label')}</dt>
          <dd>{t(`category.${bomb.category}`)}</dd>
        </div>
        <div>
          <dt>{t('severity.label')}</dt>
          <dd className={`sev sev-${bomb.severity}`}>{t(`severity.${bomb.severity}`)}</dd>
        </div>
        <div>
          <dt>{t('common.department')}</dt>
          <dd>{(bomb.departmentId && names.departments.get(bomb.departmentId)) || '—'}</dd>
        </div>
        <div>
          <dt>{t('bomb.assignee')}</dt>
          <dd data-testid="assignee">
            {bomb.assigneeId ? (names.people.get(bomb.assigneeId) ?? '—') : t('bomb.unassigned')}
          </dd>
        </div>
        <div>
          <dt>{t('bomb.filedBy')}</dt>
          <dd>{names.people.get(bomb.filedById) ?? '—'}</dd>
        </div>
        {bomb.productId && (
          <div>
            <dt>{t('common.product')}</dt>
            <dd>{names.products.get(bomb.productId) ?? '—'}</dd>
          </div>
        )}
        {bomb.customer && (
          <div>
            <dt>{t('bomb.customer')}</dt>
            <dd>{bomb.customer}</dd>
          </div>
        )}
        <div>
          <dt>{t('bomb.helpers')}</dt>
          <dd>
            {bomb.helperIds.length === 0
              ? t('common.none')
              : bomb.helperIds.map((h) => names.people.get(h) ?? '—').join('、')}
          </dd>
        </div>
        {(bomb.tier > 0 || bomb.bounces > 0 || bomb.disputed || bomb.restricted) && (
          <div>
            <dt className="visually-hidden">{t('bomb.tier', { tier: bomb.tier })}</dt>
            <dd className="flags">
              {bomb.tier > 0 && <span className="badge warn">{t('bomb.tier', { tier: bomb.tier })}</span>}
              {bomb.bounces > 0 && <span className="badge">{t('bomb.bounces', { count: bomb.bounces })}</span>}
              {bomb.disputed && <span className="badge danger">{t('bomb.disputed')}</span>}
              {bomb.restricted && <span className="badge">{t('bomb.restricted')}</span>}
            </dd>
          </div>
        )}
      </dl>
      {bomb.description && <p className="description">{bomb.description}</p>}
      <BombActions bomb={bomb} allowed={allowed} />
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t('bomb.timeline')}</h2>
        <ol className="timeline">
          {events.map((event) => (
            <li key={event.seq} className={`tl tl-${event.type.replace('.', '-')}`}>
              <time dateTime={event.at} title={formatDateTime(event.at, locale)}>
                {formatRelative(event.at, now, locale)}
              </time>
              <span>{describeEvent(event, names, t)}</span>
            </li>
          ))}
        </ol>
        {allowed.has('comment') && <CommentForm bombId={bomb.id} />}
      </section>
      <p>
        <Link to={me.role === 'field' ? '/mine' : '/queue'}>← {t('bomb.back')}</Link>
      </p>
    </article>
  );
}

/**
 * The signed-in person as the shared rule sees them. Until the departments have loaded, they lead
 * none: the board offers less for a moment rather than an action the server would refuse.
 */
function actingPerson(me: Person, departments: Department[] | undefined) {
  const leadDepartmentIds = (departments ?? []).filter((d) => d.leadIds.includes(me.id)).map((d) => d.id);
  return { ...me, leadDepartmentIds };
}

/** One button per action the shared rule allows (allowedActions), and none it refuses. */
function BombActions({ bomb, allowed }: { bomb: Bomb; allowed: ReadonlySet<Allowed> }) {
  const { t } = useI18n();
  const action = useBombAction(bomb.id);
  const departments = useDepartments().data ?? [];
  const [panel, setPanel] = useState<'decline' | 'reroute' | 'resolve' | null>(null);
  const can = (a: Allowed) => allowed.has(a);
  const run = (a: BombActionRequest) =>
    action.mutate({ action: a, version: bomb.version }, { onSuccess: () => setPanel(null) });

  const handleDecline = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const suggested = String(form.get('suggestedDepartmentId') ?? '');
    run({
      kind: 'decline',
      reason: String(form.get('reason') ?? ''),
      ...(suggested && { suggestedDepartmentId: suggested }),
    });
  };
  const handleReroute = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    run({
      kind: 'reroute',
      departmentId: String(form.get('departmentId') ?? ''),
      reason: String(form.get('reason') ?? ''),
    });
  };
  const handleResolve = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const note = String(form.get('note') ?? '').trim();
    run({
      kind: 'transition',
      to: 'resolved',
      rootCause: String(form.get('rootCause')) as RootCause,
      ...(note && { note }),
    });
  };
  const otherDepartments = departments.filter((d) => d.id !== bomb.departmentId);

  return (
    <section className="bomb-actions" aria-label={t('action.claim')}>
      <div className="actions">
        {can('claim') && (
          <button type="button" className="primary" onClick={() => run({ kind: 'claim' })}>
            {t('action.claim')}
          </button>
        )}
        {can('decline') && (
          <button type="button" aria-expanded={panel === 'decline'} onClick={() => setPanel('decline')}>
            {t('action.decline')}
          </button>
        )}
        {can('reroute') && (
          <button type="button" aria-expanded={panel === 'reroute'} onClick={() => setPanel('reroute')}>
            {t('action.reroute')}
          </button>
        )}
        {can('move:waiting') && (
          <button type="button" onClick={() => run({ kind: 'transition', to: 'waiting' })}>
            {t('action.askField')}
          </button>
        )}
        {can('move:resolved') && (
          <button type="button" aria-expanded={panel === 'resolve'} onClick={() => setPanel('resolve')}>
            {t('action.resolve')}
          </button>
        )}
        {/* open → claimed is the claim button above */}
        {can('move:claimed') && bomb.status !== 'open' && (
          <button type="button" onClick={() => run({ kind: 'transition', to: 'claimed' })}>
            {t('action.resume')}
          </button>
        )}
        {can('move:closed') && (
          <button type="button" className="primary" onClick={() => run({ kind: 'transition', to: 'closed' })}>
            {t('action.close')}
          </button>
        )}
        {can('move:open') && (
          <button type="button" onClick={() => run({ kind: 'transition', to: 'open' })}>
            {bomb.status === 'claimed' ? t('action.release') : t('action.reopen')}
          </button>
        )}
        {can('join') && (
          <button type="button" onClick={() => run({ kind: 'join' })}>
            {t('action.join')}
          </button>
        )}
        {can('leave') && (
          <button type="button" onClick={() => run({ kind: 'leave' })}>
            {t('action.leave')}
          </button>
        )}
      </div>
      {panel === 'decline' && (
        <form className="panel stack" onSubmit={handleDecline}>
          <label className="field">
            <span>{t('action.declineReason')}</span>
            <textarea name="reason" required maxLength={2000} rows={2} />
          </label>
          <label className="field">
            <span>{t('action.suggestDepartment')}</span>
            <select name="suggestedDepartmentId" defaultValue="">
              <option value="">{t('admin.any')}</option>
              <NamedOptions items={otherDepartments} />
            </select>
          </label>
          <PanelButtons label={t('action.decline')} onCancel={() => setPanel(null)} />
        </form>
      )}
      {panel === 'reroute' && (
        <form className="panel stack" onSubmit={handleReroute}>
          <label className="field">
            <span>{t('action.rerouteTo')}</span>
            <select name="departmentId" required>
              <NamedOptions items={otherDepartments} />
            </select>
          </label>
          <label className="field">
            <span>{t('action.rerouteReason')}</span>
            <textarea name="reason" required maxLength={2000} rows={2} />
          </label>
          <PanelButtons label={t('action.reroute')} onCancel={() => setPanel(null)} />
        </form>
      )}
      {panel === 'resolve' && (
        <form className="panel stack" onSubmit={handleResolve}>
          <label className="field">
            <span>{t('rootCause.label')}</span>
            <select name="rootCause" required>
              {ROOT_CAUSES.map((c) => (
                <option key={c} value={c}>
                  {t(`rootCause.${c}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('action.note')}</span>
            <textarea name="note" maxLength={2000} rows={2} />
          </label>
          <PanelButtons label={t('action.resolve')} onCancel={() => setPanel(null)} />
        </form>
      )}
      {action.error && (
        <p role="alert" className="error">
          {action.error instanceof ApiRequestError && action.error.code === 'already_claimed'
            ? t('action.alreadyClaimed')
            : t('action.failed', { message: errorMessage(action.error) })}
        </p>
      )}
    </section>
  );
}

function PanelButtons({ label, onCancel }: { label: string; onCancel: () => void }) {
  const { t } = useI18n();
  return (
    <div className="actions">
      <button type="submit" className="primary">
        {label}
      </button>
      <button type="button" onClick={onCancel}>
        {t('common.cancel')}
      </button>
    </div>
  );
}

function CommentForm({ bombId }: { bombId: string }) {
  const { t } = useI18n();
  const comment = useComment(bombId);
  const [body, setBody] = useState('');
  const handleSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!body.trim()) return;
    comment.mutate(body.trim(), { onSuccess: () => setBody('') });
  };
  return (
    <form className="comment-form" onSubmit={handleSubmit}>
      <label className="field">
        <span>{t('action.comment')}</span>
        <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={2} maxLength={10_000} />
      </label>
      <button type="submit" disabled={comment.isPending || !body.trim()}>
        {t('action.send')}
      </button>
      {comment.error && (
        <p role="alert" className="error">
          {t('action.failed', { message: errorMessage(comment.error) })}
        </p>
      )}
    </form>
  );
}
