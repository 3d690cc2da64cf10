import { CATEGORIES, type DepartmentLoad, type HeatmapCell, type IsolationEntry, type Person } from '@defuse/shared';
import { useMemo, useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { type Names, useNames, usePeople, useProducts } from '../../api/directory.ts';
import {
  useAssignBuddy,
  useDashboard,
  useIsolation,
  useIsolationPerson,
  useOwnershipGaps,
} from '../../api/isolation.ts';
import { Link } from '../../app/router.tsx';
import { BombChips, Countdown, ErrorNote, Loading, StateBadge } from '../../app/ui.tsx';
import { useNow } from '../../app/use-now.ts';
import { formatDuration, formatNumber } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { heatLevel, heatmapRows } from './load-maths.ts';
import { Sparkline } from './sparkline.tsx';

export default function DashboardPage({ me }: { me: Person }) {
  const { t } = useI18n();
  // Counted by the server over every bomb the viewer may see: never a sum of a list's first page.
  const dashboard = useDashboard();
  const names = useNames();
  const first = dashboard.data?.pages[0];
  return (
    <section className="dashboard">
      <h1>{t('dashboard.title')}</h1>
      <PeoplePanel names={names} />
      {dashboard.error && <ErrorNote error={dashboard.error} onRetry={() => void dashboard.refetch()} />}
      <div className="grid-2">
        <HeatmapPanel cells={first?.heatmap} names={names} />
        <div>
          <EscalationsPanel dashboard={dashboard} />
          {(me.role === 'pm' || me.role === 'admin') && <GapsPanel />}
        </div>
      </div>
      <div className="grid-2">
        <OwnershipPanel departments={first?.departments} names={names} />
        <FeedbackLinks />
      </div>
    </section>
  );
}

function PeoplePanel({ names }: { names: Names }) {
  const { t } = useI18n();
  const isolation = useIsolation();
  return (
    <section className="panel" aria-labelledby="people-title">
      <h2 id="people-title">{t('dashboard.people')}</h2>
      <p className="muted">{t('dashboard.intro')}</p>
      {isolation.isPending ? (
        <Loading />
      ) : isolation.error ? (
        <ErrorNote error={isolation.error} onRetry={() => void isolation.refetch()} />
      ) : isolation.data.pages[0]?.people.length === 0 ? (
        <p className="muted">{t('dashboard.noPeople')}</p>
      ) : (
        <>
          <ol className="people">
            {isolation.data.pages
              .flatMap((page) => page.people)
              .map((entry, i) => (
                <PersonRow key={entry.personId} entry={entry} names={names} withHistory={i < 20} />
              ))}
          </ol>
          {isolation.hasNextPage && (
            <button
              type="button"
              className="ghost"
              disabled={isolation.isFetchingNextPage}
              onClick={() => void isolation.fetchNextPage()}
            >
              {t('dashboard.morePeople')}
            </button>
          )}
        </>
      )}
    </section>
  );
}

/** A person by need (the list's order), with state and reasons: the score stays out of sight. */
function PersonRow({ entry, names, withHistory }: { entry: IsolationEntry; names: Names; withHistory: boolean }) {
  const { t, locale } = useI18n();
  const detail = useIsolationPerson(entry.personId, withHistory);
  const people = usePeople().data ?? [];
  const assign = useAssignBuddy();
  const [buddyId, setBuddyId] = useState('');
  const history = detail.data?.history.map((h) => h.load) ?? [];
  return (
    <li className={`person state-row-${entry.state}`} data-testid="isolation-person" data-state={entry.state}>
      <div className="person-head">
        <StateBadge state={entry.state} />
        <strong>{entry.name}</strong>
        <span className="muted small">{t(`role.${entry.role}`)}</span>
        <Sparkline values={history} label={`${t('dashboard.load30')}: ${entry.name}`} />
      </div>
      {entry.reasons.length > 0 && (
        <ul className="reasons">
          {entry.reasons.map((reason) => (
            <li key={reason.code}>
              <span>{reason.messages?.[locale] ?? reason.message}</span>{' '}
              <BombChips ids={reason.bombIds} keys={reason.bombKeys} />
            </li>
          ))}
        </ul>
      )}
      {entry.state !== 'ok' && (
        <form
          className="buddy"
          onSubmit={(e) => {
            e.preventDefault();
            if (buddyId) assign.mutate({ personId: entry.personId, buddyId });
          }}
        >
          <label className="field inline">
            <span className="visually-hidden">{t('dashboard.buddyFor', { name: entry.name })}</span>
            <select value={buddyId} onChange={(e) => setBuddyId(e.target.value)}>
              <option value="">{t('dashboard.pickBuddy')}</option>
              {people
                .filter((p) => p.id !== entry.personId && !p.disabled)
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {names.people.get(p.id) ?? p.name}
                  </option>
                ))}
            </select>
          </label>
          <button type="submit" disabled={!buddyId || assign.isPending}>
            {t('dashboard.assignBuddy')}
          </button>
          {assign.isSuccess && <span className="ok small">{t('dashboard.buddyAssigned')}</span>}
          {assign.error && (
            <span role="alert" className="error small">
              {t('action.failed', { message: errorMessage(assign.error) })}
            </span>
          )}
        </form>
      )}
    </li>
  );
}

function HeatmapPanel({ cells, names }: { cells: HeatmapCell[] | undefined; names: Names }) {
  const { t, locale } = useI18n();
  const rows = useMemo(() => heatmapRows(cells ?? [], names), [cells, names]);
  const max = Math.max(0, ...(cells ?? []).map((c) => c.load));
  return (
    <section className="panel" aria-labelledby="heatmap-title">
      <h2 id="heatmap-title">{t('dashboard.heatmap')}</h2>
      <p className="muted small" id="heatmap-legend">
        {t('dashboard.heatmapLegend')}
      </p>
      <div className="heat-legend" aria-hidden="true">
        <span>{t('dashboard.legendNone')}</span>
        {[0, 1, 2, 3, 4].map((level) => (
          <span key={level} className={`heat heat-${level} heat-swatch`} />
        ))}
        <span>{t('dashboard.legendMax')}</span>
      </div>
      <div className="table-scroll">
        <table className="heatmap" aria-describedby="heatmap-legend">
          <thead>
            <tr>
              <th scope="col">{t('common.department')}</th>
              {CATEGORIES.map((c) => (
                <th key={c} scope="col">
                  {t(`category.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map(({ departmentId, name, byCategory }) => (
              <tr key={departmentId ?? 'none'} data-testid="heat-row">
                <th scope="row">{name}</th>
                {CATEGORIES.map((c) => {
                  const cell = byCategory.get(c);
                  const label =
                    cell &&
                    t('dashboard.heatmapCell', {
                      department: name,
                      category: t(`category.${c}`),
                      count: formatNumber(cell.open, locale, 0),
                      load: formatNumber(cell.load, locale),
                    });
                  return (
                    <td key={c} className={`heat heat-${heatLevel(cell?.load ?? 0, max)}`} data-open={cell?.open ?? 0}>
                      {cell && departmentId ? (
                        <Link to={`/queue?department=${departmentId}&category=${c}`} aria-label={label} title={label}>
                          {formatNumber(cell.open, locale, 0)}
                        </Link>
                      ) : cell ? (
                        <span title={label}>{formatNumber(cell.open, locale, 0)}</span>
                      ) : null}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function EscalationsPanel({ dashboard }: { dashboard: ReturnType<typeof useDashboard> }) {
  const { t } = useI18n();
  const now = useNow();
  const hot = dashboard.data?.pages.flatMap((p) => p.escalations.items) ?? [];
  return (
    <section className="panel" aria-labelledby="escalations-title">
      <h2 id="escalations-title">{t('dashboard.escalations')}</h2>
      {dashboard.isPending ? (
        <Loading />
      ) : hot.length === 0 ? (
        <p className="muted">{t('dashboard.noEscalations')}</p>
      ) : (
        <>
          <ul className="plain escalations">
            {hot.map((b) => (
              <li key={b.id} data-testid="escalation" data-bomb-key={b.key}>
                <Link to={`/bombs/${b.id}`}>
                  <span className="key">{b.key}</span> {b.title}
                </Link>{' '}
                {b.tier > 0 && <span className="badge warn">{t('bomb.tier', { tier: b.tier })}</span>}
                {b.disputed && <span className="badge danger">{t('bomb.disputed')}</span>}{' '}
                <Countdown bomb={b} now={now} />
              </li>
            ))}
          </ul>
          {dashboard.hasNextPage && (
            <button
              type="button"
              className="ghost"
              disabled={dashboard.isFetchingNextPage}
              onClick={() => void dashboard.fetchNextPage()}
            >
              {t('dashboard.moreEscalations')}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function GapsPanel() {
  const { t, locale } = useI18n();
  const gaps = useOwnershipGaps(30, true);
  const flagged = gaps.data?.categories.filter((c) => c.flagged) ?? [];
  return (
    <section className="panel" aria-labelledby="gaps-title">
      <h2 id="gaps-title">{t('dashboard.gaps')}</h2>
      {gaps.error ? (
        <ErrorNote error={gaps.error} />
      ) : flagged.length === 0 ? (
        <p className="muted">{t('dashboard.noGaps')}</p>
      ) : (
        <ul className="reasons">
          {flagged.map((gap) => (
            <li key={gap.category}>
              <strong>{t(`category.${gap.category}`)}</strong>: {gap.messages[locale]}{' '}
              <BombChips ids={gap.bombIds} keys={gap.bombKeys} max={8} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function OwnershipPanel({ departments, names }: { departments: DepartmentLoad[] | undefined; names: Names }) {
  const { t, locale } = useI18n();
  return (
    <section className="panel" aria-labelledby="ownership-title">
      <h2 id="ownership-title">{t('dashboard.openAge')}</h2>
      <ul className="plain">
        {(departments ?? []).map((d) => (
          <li key={d.departmentId ?? 'none'} data-testid="department-age">
            {(d.departmentId && names.departments.get(d.departmentId)) ?? '—'}:{' '}
            <span className="muted">
              {t('dashboard.departmentAge', {
                open: formatNumber(d.open, locale, 0),
                overdue: formatNumber(d.overdue, locale, 0),
                median: formatDuration(d.medianAgeSeconds * 1000, locale),
                oldest: formatDuration(d.oldestAgeSeconds * 1000, locale),
              })}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function FeedbackLinks() {
  const { t } = useI18n();
  const products = useProducts().data ?? [];
  return (
    <section className="panel" aria-labelledby="feedback-title">
      <h2 id="feedback-title">{t('dashboard.feedback')}</h2>
      <p className="muted small">{t('dashboard.feedbackHint')}</p>
      <ul className="plain">
        {products.map((p) => (
          <li key={p.id}>
            <Link to={`/products/${p.id}/feedback`}>{p.name}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
