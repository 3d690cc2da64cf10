import type { Bomb } from '@defuse/shared';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import { applyBombToCaches } from '../../api/bomb-cache.ts';
import { ApiRequestError, apiFetch } from '../../api/client.ts';
import { bombKeys } from '../../api/keys.ts';
import { useLiveEvent } from '../../live/live-provider.tsx';
import {
  memoryOutboxStore,
  nextAttemptAt,
  Outbox,
  type OutboxDraft,
  outcomeForStatus,
  type SendOutcome,
} from './outbox.ts';
import { indexedDbOutboxStore } from './outbox-idb.ts';

async function sendDraft(draft: OutboxDraft): Promise<SendOutcome> {
  try {
    const { data } = await apiFetch<{ bomb: Bomb }>('/api/bombs', {
      method: 'POST',
      body: draft.input,
      headers: { 'idempotency-key': draft.key },
    });
    return { kind: 'landed', bomb: data.bomb };
  } catch (err) {
    if (!(err instanceof ApiRequestError)) throw err;
    return { kind: outcomeForStatus(err.status), error: err.message };
  }
}

const OutboxContext = createContext<Outbox | null>(null);

export function OutboxProvider({ personId, children }: { personId: string; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [outbox] = useState(() => {
    const store = typeof indexedDB === 'undefined' ? memoryOutboxStore() : indexedDbOutboxStore(personId);
    return new Outbox(store, sendDraft, {
      onLanded: (bomb) => {
        applyBombToCaches(queryClient, bomb);
        void queryClient.invalidateQueries({ queryKey: bombKeys.lists() });
      },
    });
  });
  const drafts = useSyncExternalStore(outbox.subscribe, outbox.snapshot);

  useEffect(() => {
    const flushNow = () => void outbox.flush({ force: true });
    const onVisible = () => {
      if (document.visibilityState === 'visible') flushNow();
    };
    void outbox.load().then(flushNow);
    window.addEventListener('online', flushNow);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.removeEventListener('online', flushNow);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [outbox]);

  // Backoff between automatic retries; `online` and returning to the page skip the wait.
  // A filing whose answer was lost shows up on the live stream before the next retry: resend now,
  // so the replayed answer clears the draft instead of showing it next to its own bomb.
  useLiveEvent((event) => {
    if (event.type === 'bomb.filed' && event.actorId === personId && outbox.snapshot().length > 0) {
      void outbox.flush({ force: true });
    }
  });

  const nextAt = nextAttemptAt(drafts);
  useEffect(() => {
    if (nextAt === null) return;
    const timer = setTimeout(() => void outbox.flush(), Math.max(0, nextAt - Date.now()) + 50);
    return () => clearTimeout(timer);
  }, [outbox, nextAt]);

  return <OutboxContext.Provider value={outbox}>{children}</OutboxContext.Provider>;
}

export function useOutbox(): { outbox: Outbox; drafts: readonly OutboxDraft[] } {
  const outbox = useContext(OutboxContext);
  if (!outbox) throw new Error('useOutbox outside OutboxProvider');
  const drafts = useSyncExternalStore(outbox.subscribe, outbox.snapshot);
  return { outbox, drafts };
}
