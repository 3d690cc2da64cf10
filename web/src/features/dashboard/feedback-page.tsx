import { useProducts } from '../../api/directory.ts';
import { useFeedback } from '../../api/isolation.ts';
import { Link } from '../../app/router.tsx';
import { ErrorNote, Loading } from '../../app/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { downloadText, toCsv } from './csv.ts';

const DAYS = 30;

export default function FeedbackPage({ productId }: { productId: string }) {
  const { t } = useI18n();
  const product = useProducts().data?.find((p) => p.id === productId);
  const feedback = useFeedback(productId, DAYS);
  const causes = [...(feedback.data?.causes ?? [])].sort((a, b) => b.count - a.count);
  const max = Math.max(1, ...causes.map((c) => c.count));
  const label = (cause: { rootCause: string; category: string }) =>
    `${t(`rootCause.${cause.rootCause}` as MessageKey)} · ${t(`category.${cause.category}` as MessageKey)}`;

  const handleExport = () => {
    const rows: (string | number)[][] = [
      [t('rootCause.label'), t('category.label'), t('feedback.count', { count: '' }).trim(), 'bombIds'],
      ...causes.map((c) => [
        t(`rootCause.${c.rootCause}` as MessageKey),
        t(`category.${c.category}` as MessageKey),
        c.count,
        c.bombIds.join(' '),
      ]),
    ];
    downloadText(`feedback-${product?.slug ?? productId}-${DAYS}d.csv`, toCsv(rows));
  };

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
                <span className="bar-label">{label(c)}</span>
                <span className="bar-track">
                  <span className="bar" style={{ width: `${(c.count / max) * 100}%` }} />
                </span>
                <span className="bar-value">{t('feedback.count', { count: c.count })}</span>
              </li>
            ))}
          </ul>
          <button type="button" onClick={handleExport}>
            {t('feedback.export')}
          </button>
        </>
      )}
    </section>
  );
}
