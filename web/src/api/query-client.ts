import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiRequestError } from './client.ts';
import { directoryKeys } from './keys.ts';

/** The board's one query client: its retry rule and what a 401 anywhere means. */
export function createQueryClient(): QueryClient {
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
  return queryClient;
}
