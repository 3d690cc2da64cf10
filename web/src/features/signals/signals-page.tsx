import { type Person, SEVERITY_WEIGHT } from '@defuse/shared';
import { useBombs } from '../../api/bombs.ts';
import { useIsolationPerson } from '../../api/isolation.ts';
import { BombChips, Loading } from '../../app/ui.tsx';
import { formatNumber } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { Sparkline } from '../dashboard/sparkline.tsx';

/** A person's own signals, worded as support: what we noticed and where help is, never a grade. */
export default function SignalsPage({ me }: { me: Person }) {
  const { t, locale } = useI18n();
  const signals = useIsolationPerson(me.id);
  // Until the server's isolation answer is there (or if it is not offered to this role), the
  // load is computed from the person's own open bombs so the page still says something useful.
  const filed = useBombs({ filedById: me.id, status: ['open', 'claimed', 'waiting'] });
  const assigned = useBombs({ assigneeId: me.id, status: ['claimed', 'waiting'] });
  if (signals.isPending && filed.isPending) return <Loading />;
  const own = [...filed.items, ...assigned.items.filter((b) => b.filedById !== me.id)];
  const localLoad = own.reduce((sum, b) => sum + SEVERITY_WEIGHT[b.severity], 0);
  const entry = signals.data;
  const state = entry?.state ?? 'ok';
  return (
    <section className="signals">
      <h1>{t('signals.title')}</h1>
      <p className="muted">{t('signals.intro')}</p>
      <div className={`panel support support-${state}`}>
        <p className="support-line">{t(`signals.${state}`)}</p>
        <p>
          {t('signals.load')}: <strong>{formatNumber(entry?.signals.load ?? localLoad, locale)}</strong> ·{' '}
          {t('signals.openBombs', { count: entry?.signals.openBombs ?? filed.total + assigned.total })}
        </p>
        {entry && entry.history.length > 0 && (
          <Sparkline values={entry.history.map((h) => h.load)} label={t('dashboard.load30')} />
        )}
      </div>
      {entry && entry.reasons.length > 0 && (
        <section className="panel">
          <h2>{t('signals.reasons')}</h2>
          <ul className="reasons">
            {entry.reasons.map((reason) => (
              <li key={reason.code}>
                {reason.messages?.[locale] ?? reason.message} <BombChips ids={reason.bombIds} keys={reason.bombKeys} />
              </li>
            ))}
          </ul>
        </section>
      )}
      <p className="muted">{t('signals.askHelp')}</p>
    </section>
  );
}
