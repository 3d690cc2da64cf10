import { type IsolationSettings, type Policy, SEVERITIES, TIER_TARGETS, type TierTarget } from '@defuse/shared';
import { useEffect, useState } from 'react';
import { usePolicy, useSave, useSaveAt, useWebhookDeliveries } from '../../api/admin.ts';
import { ApiRequestError } from '../../api/client.ts';
import { useDepartments } from '../../api/directory.ts';
import { useIsolationSettings } from '../../api/isolation.ts';
import { adminKeys } from '../../api/keys.ts';
import { ErrorNote, Loading, NamedOptions, SaveNote, Table } from '../../app/ui.tsx';
import { formatDateTime } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { AmountField, DurationField, hasBadNumber } from './duration-field.tsx';

export function PoliciesTab() {
  const { t } = useI18n();
  const departments = useDepartments().data ?? [];
  const [departmentId, setDepartmentId] = useState('');
  const selected = departmentId || departments[0]?.id || '';
  const policy = usePolicy(selected);
  const save = useSaveAt<Policy>('PUT', ['policy', selected]);
  const [draft, setDraft] = useState<Policy | null>(null);
  useEffect(() => setDraft(policy.data ?? null), [policy.data]);

  const perSeverity = (key: 'claimWithinSeconds' | 'resolveWithinSeconds', title: MessageKey) =>
    draft && (
      <fieldset className="row-form">
        <legend>{t(title)}</legend>
        {SEVERITIES.map((s) => (
          <DurationField
            key={s}
            label={t(`severity.${s}`)}
            value={draft[key][s]}
            onChange={(v) => setDraft({ ...draft, [key]: { ...draft[key], [s]: v } })}
          />
        ))}
      </fieldset>
    );

  return (
    <div className="stack">
      <label className="field inline">
        <span>{t('common.department')}</span>
        <select value={selected} onChange={(e) => setDepartmentId(e.target.value)}>
          <NamedOptions items={departments} />
        </select>
      </label>
      {policy.isPending ? (
        <Loading />
      ) : policy.error ? (
        <ErrorNote error={policy.error} />
      ) : (
        draft && (
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              if (!hasBadNumber(draft)) save.mutate({ path: `/api/departments/${selected}/policy`, body: draft });
            }}
          >
            {perSeverity('claimWithinSeconds', 'admin.claimWithin')}
            {perSeverity('resolveWithinSeconds', 'admin.resolveWithin')}
            <DurationField
              label={t('admin.idleSeconds')}
              value={draft.idleSeconds}
              onChange={(v) => setDraft({ ...draft, idleSeconds: v })}
            />
            <fieldset className="stack">
              <legend>{t('admin.tiers')}</legend>
              {draft.tiers.map((tier, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: tiers are ordered by position
                <div key={i} className="row-form">
                  <DurationField
                    label={`${i + 1}. ${t('admin.afterSeconds')}`}
                    value={tier.afterSeconds}
                    onChange={(v) =>
                      setDraft({
                        ...draft,
                        tiers: draft.tiers.map((x, j) => (j === i ? { ...x, afterSeconds: v } : x)),
                      })
                    }
                  />
                  <label className="field">
                    <span>{t('admin.target')}</span>
                    <select
                      value={tier.target}
                      onChange={(e) =>
                        setDraft({
                          ...draft,
                          tiers: draft.tiers.map((x, j) =>
                            j === i ? { ...x, target: e.target.value as TierTarget } : x,
                          ),
                        })
                      }
                    >
                      {TIER_TARGETS.map((target) => (
                        <option key={target} value={target}>
                          {t(`target.${target}`)}
                        </option>
                      ))}
                    </select>
                  </label>
                  <button
                    type="button"
                    className="danger"
                    onClick={() => setDraft({ ...draft, tiers: draft.tiers.filter((_, j) => j !== i) })}
                  >
                    {t('common.remove')}
                  </button>
                </div>
              ))}
              <button
                type="button"
                onClick={() => setDraft({ ...draft, tiers: [...draft.tiers, { afterSeconds: 3600, target: 'pm' }] })}
              >
                {t('common.add')}
              </button>
            </fieldset>
            <button type="submit" className="primary" disabled={save.isPending || hasBadNumber(draft)}>
              {t('common.save')}
            </button>
            <SaveNote error={save.error} success={save.isSuccess} />
          </form>
        )
      )}
    </div>
  );
}

/** Every setting with its label: a setting added to the schema without one is a compile error. */
const ISOLATION_LABELS: Record<keyof IsolationSettings, MessageKey> = {
  silenceSeconds: 'admin.iso.silenceSeconds',
  breadthWindowSeconds: 'admin.iso.breadthWindowSeconds',
  trendWindowSeconds: 'admin.iso.trendWindowSeconds',
  watchScore: 'admin.iso.watchScore',
  isolatedScore: 'admin.iso.isolatedScore',
  bounceLimit: 'admin.iso.bounceLimit',
  idleSeconds: 'admin.iso.idleSeconds',
  soloLongSeconds: 'admin.iso.soloLongSeconds',
  loadHigh: 'admin.iso.loadHigh',
  silentBombsHigh: 'admin.iso.silentBombsHigh',
  overdueBombsHigh: 'admin.iso.overdueBombsHigh',
  breadthLow: 'admin.iso.breadthLow',
  trendHigh: 'admin.iso.trendHigh',
};
const ISOLATION_FIELDS = Object.keys(ISOLATION_LABELS) as (keyof IsolationSettings)[];

export function IsolationTab() {
  const { t } = useI18n();
  const settings = useIsolationSettings();
  const save = useSave<IsolationSettings>('/api/settings/isolation', 'PUT', adminKeys.isolationSettings);
  const [draft, setDraft] = useState<IsolationSettings | null>(null);
  useEffect(() => setDraft(settings.data ?? null), [settings.data]);
  if (settings.isPending) return <Loading />;
  if (settings.error) return <ErrorNote error={settings.error} />;
  if (!draft) return null;
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (!hasBadNumber(draft)) save.mutate(draft);
      }}
    >
      <div className="row-form">
        {ISOLATION_FIELDS.map((key) => {
          const Field = key.endsWith('Seconds') ? DurationField : AmountField;
          return (
            <Field
              key={key}
              label={t(ISOLATION_LABELS[key])}
              value={draft[key]}
              onChange={(v) => setDraft({ ...draft, [key]: v })}
            />
          );
        })}
      </div>
      <button type="submit" className="primary" disabled={save.isPending || hasBadNumber(draft)}>
        {t('common.save')}
      </button>
      <SaveNote error={save.error} success={save.isSuccess} />
    </form>
  );
}

export function WebhooksTab() {
  const { t, locale } = useI18n();
  const deliveries = useWebhookDeliveries();
  if (deliveries.isPending) return <Loading />;
  if (deliveries.error) {
    if (deliveries.error instanceof ApiRequestError && deliveries.error.status === 404)
      return <p className="muted">{t('common.unavailable')}</p>;
    return <ErrorNote error={deliveries.error} />;
  }
  if (deliveries.data.length === 0) return <p className="muted">{t('admin.noDeliveries')}</p>;
  return (
    <Table headers={[t('admin.deliveryAt'), t('admin.deliveryUrl'), t('admin.deliveryStatus')]}>
      {deliveries.data.map((d) => {
        const at = d.createdAt ?? d.at;
        return (
          <tr key={d.id}>
            <td>{at ? formatDateTime(at, locale) : ''}</td>
            <td className="break">{d.url ?? ''}</td>
            <td>
              {String(d.status ?? d.statusCode ?? '')}
              {d.attempts !== undefined && ` · ${d.attempts}`}
              {d.error && <span className="error small"> {d.error}</span>}
            </td>
          </tr>
        );
      })}
    </Table>
  );
}
