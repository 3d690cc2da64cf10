import { type Bomb, CATEGORIES, type IsolationEntry, type Person } from '@defuse/shared';
import { useMemo, useState } from 'react';
import { useBombs } from '../../api/bombs.ts';
import { errorMessage } from '../../api/client.ts';
import { type Names, useNames, usePeople, useProducts } from '../../api/directory.ts';
import { useAssignBuddy, useIsolation, useIsolationPerson, useOwnershipGaps } from '../../api/isolation.ts';
import { Link } from '../../app/router.tsx';
import { Countdown, ErrorNote, Loading, StateBadge } from '../../app/ui.tsx';
import { useNow } from '../../app/use-now.ts';
import { formatDuration, formatNumber } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { heatLevel, heatmapOf, ownershipAges } from './load-maths.ts';
import { Sparkline } from './sparkline.tsx';

export default function DashboardPage({ me }: { me: Person }) {
  const { t } = useI18n();
  // Resolved bombs still count for isolation until their filer closes them: their keys name reasons.
  const open = useBombs({ status: ['open', 'claimed', 'waiting', 'resolved'] });
  const names = useNames();
  const keys = useMemo(() => new Map((open.data ?? []).map((b) => [b.id, b.key])), [open.data]);
  return (
    <section className="dashboard">
      <h1>{t('dashboard.title')}</h1>
      <PeoplePanel names={names} keys={keys} />
      <div className="grid-2">
        <HeatmapPanel bombs={open.data} names={names} />
        <div>
          <EscalationsPanel bombs={open.data} />
          {(me.role === 'pm' || me.role === 'admin') && <GapsPanel keys={keys} />}
        </div>
      </div>
      <div className="grid-2">
        <OwnershipPanel bombs={open.data} names={names} />
        <FeedbackLinks />
      </div>
      {open.error && <ErrorNote error={open.error} />}
    </section>
  );
}

function PeoplePanel({ names, keys }: { names: Names; keys: Map<string, string> }) {
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
                <PersonRow key={entry.personId} entry={entry} names={names} keys={keys} withHistory={i < 20} />
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

function PersonRow({
  entry,
  names,
  keys,
  withHistory,
}: {
  entry: IsolationEntry;
  names: Names;
  keys: Map<string, string>;
  withHistory: boolean;
}) {
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
        <span className="score">{t('dashboard.score', { score: formatNumber(entry.score, locale, 0) })}</span>
        <Sparkline values={history} label={`${t('dashboard.load30')}: ${entry.name}`} />
      </div>
      {entry.reasons.length > 0 && (
        <ul className="reasons">
          {entry.reasons.map((reason) => (
            <li key={reason.code}>
              <span>{reason.messages?.[locale] ?? reason.message}</span>{' '}
              {reason.bombIds.map((id) => (
                <Link key={id} to={`/bombs/${id}`} className="chip">
                  {keys.get(id) ?? id.slice(0, 8)}
                </Link>
              ))}
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

function HeatmapPanel({ bombs, names }: { bombs: Bomb[] | undefined; names: Names }) {
  const { t, locale } = useI18n();
  const heatmap = useMemo(() => heatmapOf(bombs ?? []), [bombs]);
  const max = Math.max(0, ...[...heatmap.values()].flatMap((row) => Object.values(row)));
  return (
    <section className="panel" aria-labelledby="heatmap-title">
      <h2 id="heatmap-title">{t('dashboard.heatmap')}</h2>
      <div className="table-scroll">
        <table className="heatmap">
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
            {[...heatmap.entries()].map(([departmentId, row]) => (
              <tr key={departmentId}>
                <th scope="row">{names.departments.get(departmentId) ?? '—'}</th>
                {CATEGORIES.map((c) => (
                  <td key={c} className={`heat heat-${heatLevel(row[c], max)}`}>
                    {row[c] > 0 ? formatNumber(row[c], locale) : ''}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function EscalationsPanel({ bombs }: { bombs: Bomb[] | undefined }) {
  const { t } = useI18n();
  const now = useNow();
  const hot = (bombs ?? [])
    .filter((b) => b.status !== 'resolved' && (b.tier > 0 || b.disputed))
    .sort((a, b) => b.tier - a.tier);
  return (
    <section className="panel" aria-labelledby="escalations-title">
      <h2 id="escalations-title">{t('dashboard.escalations')}</h2>
      {hot.length === 0 ? (
        <p className="muted">{t('dashboard.noEscalations')}</p>
      ) : (
        <ul className="plain">
          {hot.map((b) => (
            <li key={b.id}>
              <Link to={`/bombs/${b.id}`}>
                <span className="key">{b.key}</span> {b.title}
              </Link>{' '}
              {b.tier > 0 && <span className="badge warn">{t('bomb.tier', { tier: b.tier })}</span>}
              {b.disputed && <span className="badge danger">{t('bomb.disputed')}</span>}{' '}
              <Countdown bomb={b} now={now} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function GapsPanel({ keys }: { keys: Map<string, string> }) {
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
              {gap.bombIds.slice(0, 8).map((id) => (
                <Link key={id} to={`/bombs/${id}`} className="chip">
                  {keys.get(id) ?? id.slice(0, 8)}
                </Link>
              ))}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function OwnershipPanel({ bombs, names }: { bombs: Bomb[] | undefined; names: Names }) {
  const { t, locale } = useI18n();
  const now = useNow(60_000);
  const ages = useMemo(() => ownershipAges(bombs ?? [], now), [bombs, now]);
  return (
    <section className="panel" aria-labelledby="ownership-title">
      <h2 id="ownership-title">{t('dashboard.openAge')}</h2>
      <ul className="plain">
        {[...ages.entries()].map(([id, age]) => (
          <li key={id}>
            {names.departments.get(id) ?? '—'}:{' '}
            <span className="muted">{t('dashboard.ownershipMedian', { time: formatDuration(age, locale) })}</span>
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
