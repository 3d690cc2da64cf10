import type { Locale } from '@defuse/shared';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiRequestError, api } from './api/client.ts';
import { directoryKeys } from './api/keys.ts';
import { App } from './app/app.tsx';
import { I18nProvider } from './i18n/i18n.tsx';
import './styles.css';

// An expired or revoked session anywhere sends the person back to the sign-in form.
const handleError = (error: unknown) => {
  if (error instanceof ApiRequestError && error.status === 401) {
    void queryClient.invalidateQueries({ queryKey: directoryKeys.me });
  }
};

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    // The session query itself answering 401 is the sign-in form, not a reason to ask again.
    onError: (error, query) => {
      if (query.queryKey[0] !== directoryKeys.me[0]) handleError(error);
    },
  }),
  mutationCache: new MutationCache({ onError: handleError }),
  defaultOptions: {
    // The live stream keeps cached data current; refetching on every focus would only add load.
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // Asking again helps with the network or a server hiccup, never with a 4xx.
      retry: (count, error) =>
        count < 2 && (!(error instanceof ApiRequestError) || error.status === 0 || error.status >= 500),
    },
  },
});

/** The language choice follows the person to other devices; signed out, it stays on this one. */
const rememberLocale = (locale: Locale) => {
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
