import { DIGESTS, NOTIFICATION_KINDS, type NotificationKind, type NotificationPreferences } from '@defuse/shared';
import { type FormEvent, useEffect, useState } from 'react';
import { useNotificationPreferences, useSaveNotificationPreferences } from '../../api/notifications.ts';
import { ErrorNote, Loading, SaveNote } from '../../app/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

const toggle = (kinds: NotificationKind[], kind: NotificationKind, on: boolean) =>
  on ? [...new Set([...kinds, kind])] : kinds.filter((k) => k !== kind);

/** Which kinds go out by e-mail and push, the digest, and quiet hours: one plain form. */
export default function PreferencesPage() {
  const { t } = useI18n();
  const stored = useNotificationPreferences();
  const save = useSaveNotificationPreferences();
  const [draft, setDraft] = useState<NotificationPreferences | null>(null);
  useEffect(() => {
    if (stored.data && !draft) setDraft(stored.data);
  }, [stored.data, draft]);
  if (stored.error) return <ErrorNote error={stored.error} onRetry={() => void stored.refetch()} />;
  if (!draft) return <Loading />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(draft);
  };
  const quiet = draft.quietHours;
  return (
    <form className="panel preferences" onSubmit={submit}>
      <h1>{t('prefs.title')}</h1>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('prefs.kind')}</th>
            <th scope="col">{t('prefs.email')}</th>
            <th scope="col">{t('prefs.push')}</th>
          </tr>
        </thead>
        <tbody>
          {NOTIFICATION_KINDS.map((kind) => (
            <tr key={kind}>
              <th scope="row">{t(`prefs.kind.${kind}`)}</th>
              {(['email', 'push'] as const).map((channel) => (
                <td key={channel}>
                  <input
                    type="checkbox"
                    aria-label={`${t(`prefs.kind.${kind}`)}: ${t(`prefs.${channel}`)}`}
                    checked={draft[channel].kinds.includes(kind)}
                    onChange={(e) =>
                      setDraft({
                        ...draft,
                        [channel]: { ...draft[channel], kinds: toggle(draft[channel].kinds, kind, e.target.checked) },
                      })
                    }
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <label>
        {t('prefs.digest')}
        <select
          value={draft.email.digest}
          onChange={(e) =>
            setDraft({
              ...draft,
              email: { ...draft.email, digest: DIGESTS.find((d) => d === e.target.value) ?? 'off' },
            })
          }
        >
          {DIGESTS.map((d) => (
            <option key={d} value={d}>
              {t(`prefs.digest.${d}`)}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>{t('prefs.quiet')}</legend>
        <label>
          <input
            type="checkbox"
            checked={quiet !== null}
            onChange={(e) =>
              setDraft({
                ...draft,
                quietHours: e.target.checked
                  ? { from: '22:00', to: '07:00', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone }
                  : null,
              })
            }
          />
          {t('prefs.quietOn')}
        </label>
        {quiet && (
          <>
            <label>
              {t('prefs.quietFrom')}
              <input
                type="time"
                value={quiet.from}
                onChange={(e) => setDraft({ ...draft, quietHours: { ...quiet, from: e.target.value } })}
              />
            </label>
            <label>
              {t('prefs.quietTo')}
              <input
                type="time"
                value={quiet.to}
                onChange={(e) => setDraft({ ...draft, quietHours: { ...quiet, to: e.target.value } })}
              />
            </label>
            <label>
              {t('prefs.timeZone')}
              <input
                value={quiet.timeZone}
                onChange={(e) => setDraft({ ...draft, quietHours: { ...quiet, timeZone: e.target.value } })}
              />
            </label>
          </>
        )}
      </fieldset>
      <button type="submit" disabled={save.isPending}>
        {t('common.save')}
      </button>
      <SaveNote error={save.error} success={save.isSuccess} />
    </form>
  );
}
