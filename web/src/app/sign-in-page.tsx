import type { Person } from '@defuse/shared';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiRequestError, api } from '../api/client.ts';
import { directoryKeys } from '../api/keys.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function SignInPage() {
  const { t, locale, setLocale } = useI18n();
  const queryClient = useQueryClient();
  // The key of what went wrong, with the seconds to wait when the server limited attempts.
  const [failed, setFailed] = useState<{ seconds: number } | 'credentials' | null>(null);
  const [busy, setBusy] = useState(false);

  const handleSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    try {
      const { person } = await api<{ person: Person }>('/api/session', {
        method: 'POST',
        body: { email: String(form.get('email') ?? ''), password: String(form.get('password') ?? '') },
      });
      queryClient.setQueryData(directoryKeys.me, person);
    } catch (err) {
      const seconds = err instanceof ApiRequestError ? err.details.retryAfterSeconds : undefined;
      setFailed(
        err instanceof ApiRequestError && err.status === 429 ? { seconds: Number(seconds ?? 1) } : 'credentials',
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <h1>{t('signIn.title')}</h1>
      <form onSubmit={handleSubmit} className="stack">
        <label className="field">
          <span>{t('signIn.email')}</span>
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label className="field">
          <span>{t('signIn.password')}</span>
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {t('signIn.submit')}
        </button>
        {failed && (
          <p role="alert" className="error">
            {failed === 'credentials' ? t('signIn.failed') : t('signIn.rateLimited', failed)}
          </p>
        )}
      </form>
      <button type="button" className="ghost" onClick={() => setLocale(locale === 'ja' ? 'en' : 'ja')}>
        {t('lang.switchTo')}
      </button>
    </main>
  );
}
