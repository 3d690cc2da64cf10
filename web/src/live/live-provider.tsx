import type { DefuseEvent } from '@defuse/shared';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { directoryKeys } from '../api/keys.ts';
import { followOtherTabs, refreshInbox } from '../api/notifications.ts';
import { createLiveEffectApplier } from './apply-live-effect.ts';
import { LiveSocketClient } from './live-connection.ts';
import type { BoardLiveStatus } from './live-reducer.ts';

const LiveContext = createContext<LiveSocketClient | null>(null);

/** One live connection per signed-in page; every view reads its updates through the query cache. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [connection] = useState(
    () =>
      new LiveSocketClient({
        onEffect: createLiveEffectApplier(queryClient),
        // Signed out elsewhere, disabled or expired: back to the sign-in form.
        onSessionEnded: () => void queryClient.invalidateQueries({ queryKey: directoryKeys.me }),
        onNotification: () => refreshInbox(queryClient),
      }),
  );
  useEffect(() => {
    connection.start();
    return () => connection.stop();
  }, [connection]);
  useEffect(() => followOtherTabs(queryClient), [queryClient]);
  // Notifications are not replayed after a drop: once the socket is back, the inbox is read again.
  useEffect(() => {
    let before = connection.getStatus();
    return connection.subscribe(() => {
      const now = connection.getStatus();
      if (now === 'open' && before !== 'open') refreshInbox(queryClient);
      before = now;
    });
  }, [connection, queryClient]);
  return <LiveContext.Provider value={connection}>{children}</LiveContext.Provider>;
}

/** Calls `handler` with every live event while the component is mounted. */
export function useLiveEvent(handler: (event: DefuseEvent) => void): void {
  const connection = useContext(LiveContext);
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => connection?.onEvent((event) => latest.current(event)), [connection]);
}

export function useLiveStatus(): BoardLiveStatus {
  const connection = useContext(LiveContext);
  return useSyncExternalStore(connection?.subscribe ?? (() => () => {}), () => connection?.getStatus() ?? 'connecting');
}
