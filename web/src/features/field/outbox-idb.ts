import type { OutboxDraft, OutboxStore } from './outbox.ts';

const DB_NAME = 'defuse';
const STORE = 'outbox';

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * The outbox in IndexedDB, per signed-in person (a shared phone must not send one person's
 * draft under another's session).
 */
export function indexedDbOutboxStore(personId: string): OutboxStore {
  let opened: Promise<IDBDatabase> | undefined;
  const open = () => {
    opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore(STORE, { keyPath: 'key' });
        store.createIndex('personId', 'personId');
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return opened;
  };
  const store = async (mode: IDBTransactionMode) => (await open()).transaction(STORE, mode).objectStore(STORE);
  return {
    async list() {
      const rows = (await promised((await store('readonly')).index('personId').getAll(personId))) as (OutboxDraft & {
        personId: string;
      })[];
      return rows.map(({ personId: _p, ...draft }) => draft);
    },
    async put(draft) {
      await promised((await store('readwrite')).put({ ...draft, personId }));
    },
    async remove(key) {
      await promised((await store('readwrite')).delete(key));
    },
  };
}
