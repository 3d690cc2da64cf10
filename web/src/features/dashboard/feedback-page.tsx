import type { FeedbackCause } from '@defuse/shared';
import { useProducts } from '../../api/directory.ts';
import { feedbackCsvPath, useFeedback } from '../../api/isolation.ts';
import { Link } from '../../app/router.tsx';
import { ErrorNote, Loading, Table } from '../../app/ui.tsx';
import { formatDuration } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

const DAYS = 30;
const TREND_MARK: Record<FeedbackCause['trend'], string> = { up: '↑', down: '↓', flat: '→' };

export default function FeedbackPage({ productId }: { productId: string }) {
  const { t, locale } = useI18n();
  const product = useProducts().data?.find((p) => p.id === productId);
  const feedback = useFeedback(productId, DAYS);
  const causes = [...(feedback.data?.causes ?? [])].sort((a, b) => b.count - a.count);
  const ownership = feedback.data?.ownership ?? [];
  const max = Math.max(1, ...causes.map((c) => c.count));
  const seconds = (s: number | null) => (s === null ? '—' : formatDuration(s * 1000, locale));

  return (
    <section>
      <p>
        <Link to="/dashboard">← {t('dashboard.title')}</Link>
      </p>
      <h1>{t('feedback.title', { product: product?.name ?? '' })}</h1>
      <h2>{t('feedback.causes', { days: DAYS })}</h2>
      {feedback.isPending ? (
        <Loading />
      ) : feedback.error ? (
        <ErrorNote error={feedback.error} onRetry={() => void feedback.refetch()} />
      ) : causes.length === 0 ? (
        <p className="muted">{t('feedback.empty')}</p>
      ) : (
        <>
          <ul className="bars" aria-label={t('feedback.causes', { days: DAYS })}>
            {causes.map((c) => (
              <li key={`${c.rootCause}-${c.category}`}>
                <span className="bar-label">
                  {t(`rootCause.${c.rootCause}`)} · {t(`category.${c.category}`)}
                </span>
                <span className="bar-track" title={c.messages[locale]}>
                  <span className="bar" style={{ width: `${(c.count / max) * 100}%` }} />
                </span>
                <span className="bar-value">
                  {t('feedback.count', { count: c.count })} <span aria-hidden="true">{TREND_MARK[c.trend]}</span>
                  <span className="visually-hidden">{t(`feedback.trend.${c.trend}`)}</span>
                </span>
                <span className="bar-keys">
                  {c.bombIds.map((id, i) => (
                    <Link key={id} to={`/bombs/${id}`} className="chip">
                      {c.bombKeys[i] ?? id.slice(0, 8)}
                    </Link>
                  ))}
                </span>
              </li>
            ))}
          </ul>
          <a className="button" href={feedbackCsvPath(productId, DAYS)} download>
            {t('feedback.export')}
          </a>
        </>
      )}
      <h2>{t('dashboard.ownership')}</h2>
      {ownership.length === 0 ? (
        <p className="muted">{t('feedback.empty')}</p>
      ) : (
        <>
          <Table
            headers={[
              t('common.department'),
              t('category.label'),
              t('feedback.spans'),
              t('feedback.claimMedian'),
              t('feedback.resolveMedian'),
              t('feedback.resolveP90'),
            ]}
          >
            {ownership.map((o) => (
              <tr key={`${o.departmentId}-${o.category}`}>
                <td>{o.departmentName}</td>
                <td>{t(`category.${o.category}`)}</td>
                <td>{o.spans}</td>
                <td>{seconds(o.claimMedianSeconds)}</td>
                <td>{seconds(o.resolveMedianSeconds)}</td>
                <td>{seconds(o.resolveP90Seconds)}</td>
              </tr>
            ))}
          </Table>
          <a className="button" href={`${feedbackCsvPath(productId, DAYS)}&table=ownership`} download>
            {t('feedback.exportOwnership')}
          </a>
        </>
      )}
    </section>
  );
}
