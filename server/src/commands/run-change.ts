import type { DefuseEvent } from '@defuse/shared';
import type { Tx } from '../db/types.ts';
import type { Deps } from '../deps.ts';

/**
 * One change = one transaction with its event rows inside; live fan-out is signalled only after
 * commit, so a rolled-back change never reaches a browser.
 */
export async function runChange<T>(
  deps: Pick<Deps, 'db' | 'signal'>,
  work: (tx: Tx) => Promise<{ result: T; events: DefuseEvent[] }>,
): Promise<T> {
  const { result, events } = await deps.db.transaction(work);
  const last = events.at(-1);
  if (last) deps.signal.committed(last.seq);
  return result;
}
