import type { Locale } from '@defuse/shared';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { api } from './api/client.ts';
import { directoryKeys, feedbackKeys, isolationKeys, notificationKeys } from './api/keys.ts';
import { createQueryClient } from './api/query-client.ts';
import { App } from './app/app.tsx';
import { I18nProvider } from './i18n/i18n.tsx';
import './styles.css';

const queryClient = createQueryClient();

/**
 * The language choice follows the person to other devices; signed out, it stays on this one.
 * The isolation list, the gaps and the inbox come in the board's language, so they are fetched again in the new one.
 */
const rememberLocale = (locale: Locale) => {
  void queryClient.invalidateQueries({ queryKey: isolationKeys.all });
  void queryClient.invalidateQueries({ queryKey: feedbackKeys.all });
  void queryClient.invalidateQueries({ queryKey: notificationKeys.all });
  if (queryClient.getQueryData(directoryKeys.me))
    void api('/api/me', { method: 'PATCH', body: { locale } }).catch(() => {});
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
