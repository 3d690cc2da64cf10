import type { Locale } from '@defuse/shared';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { api } from './api/client.ts';
import { directoryKeys, isolationKeys, notificationKeys } from './api/keys.ts';
import { createQueryClient } from './api/query-client.ts';
import { App } from './app/app.tsx';
import { I18nProvider } from './i18n/i18n.tsx';
import './styles.css';

const queryClient = createQueryClient();

/**
 * The language choice follows the person to other devices; signed out, it stays on this one.
 * The isolation list and the inbox speak the account's language, so they are fetched again once saved.
 */
const rememberLocale = (locale: Locale) => {
  if (queryClient.getQueryData(directoryKeys.me))
    void api('/api/me', { method: 'PATCH', body: { locale } })
      .then(() =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: isolationKeys.list() }),
          queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
        ]),
      )
      .catch(() => {});
};

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <I18nProvider onChange={rememberLocale}>
          <App />
        </I18nProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
