import type { Bomb } from '@defuse/shared';
import { describe, expect, it } from 'vitest';
import type { FileBombInput } from '../../web/src/api/bombs.ts';
import {
  memoryOutboxStore,
  nextAttemptAt,
  Outbox,
  type OutboxDraft,
  outcomeForStatus,
  retryDelay,
  type SendOutcome,
} from '../../web/src/features/field/outbox.ts';

const input: FileBombInput = { title: 'Late delivery', category: 'shipping', severity: 'high' };

/** A fake server that files one bomb per Idempotency-Key, as the real one promises. */
function fakeServer() {
  const byKey = new Map<string, Bomb>();
  const seenKeys: string[] = [];
  let failNext = 0;
  let rejectNext = false;
  return {
    byKey,
    seenKeys,
    failTimes(n: number) {
      failNext = n;
    },
    rejectOnce() {
      rejectNext = true;
    },
    async send(draft: OutboxDraft): Promise<SendOutcome> {
      seenKeys.push(draft.key);
      if (rejectNext) {
        rejectNext = false;
        return { kind: 'rejected', error: 'title: too long' };
      }
      const existing = byKey.get(draft.key);
      const bomb = existing ?? ({ id: `b${byKey.size + 1}`, key: `SHIP-${byKey.size + 1}` } as Bomb);
      byKey.set(draft.key, bomb);
      if (failNext > 0) {
        // The bomb landed but the answer was lost on the way back: the next try must not file it again.
        failNext -= 1;
        return { kind: 'retry', error: 'network' };
      }
      return { kind: 'landed', bomb };
    },
  };
}

function setup() {
  const store = memoryOutboxStore();
  const server = fakeServer();
  let now = 1_000_000;
  let n = 0;
  const landed: Bomb[] = [];
  const outbox = new Outbox(store, (d) => server.send(d), {
    newKey: () => `key-${++n}`,
    now: () => now,
    onLanded: (bomb) => landed.push(bomb),
  });
  return { store, server, outbox, landed, advance: (ms: number) => (now += ms), now: () => now };
}

describe('filing outbox', () => {
  it('writes the draft to the store before sending, and removes it once it lands', async () => {
    const { store, outbox, server, landed } = setup();
    const draft = await outbox.add(input);
    expect(store.rows.get(draft.key)?.input.title).toBe('Late delivery');
    expect(server.seenKeys).toEqual([]);
    await outbox.flush();
    expect(server.byKey.size).toBe(1);
    expect(store.rows.size).toBe(0);
    expect(outbox.snapshot()).toEqual([]);
    expect(landed.map((b) => b.key)).toEqual(['SHIP-1']);
  });

  it('keeps a draft whose answer was lost and resends it with the same key: one bomb, never two', async () => {
    const { outbox, server, store, advance } = setup();
    server.failTimes(2);
    const draft = await outbox.add(input);
    await outbox.flush();
    expect(store.rows.get(draft.key)?.attempts).toBe(1);
    // Not due yet: backoff holds the next attempt back.
    await outbox.flush();
    expect(server.seenKeys).toHaveLength(1);
    advance(retryDelay(1));
    await outbox.flush();
    await outbox.flush({ force: true });
    expect(server.seenKeys).toEqual([draft.key, draft.key, draft.key]);
    expect(server.byKey.size).toBe(1);
    expect(store.rows.size).toBe(0);
  });

  it('survives a reload: a new outbox over the same store sends what the old one kept', async () => {
    const { store, server } = setup();
    const first = new Outbox(store, async () => ({ kind: 'retry', error: 'offline' }), { newKey: () => 'k-reload' });
    await first.add(input);
    await first.flush();
    const second = new Outbox(store, (d) => server.send(d));
    await second.load();
    expect(second.snapshot().map((d) => d.key)).toEqual(['k-reload']);
    await second.flush({ force: true });
    expect([...server.byKey.keys()]).toEqual(['k-reload']);
    expect(store.rows.size).toBe(0);
  });

  it('marks a refused draft as failed, keeps it, and sends it again only when asked', async () => {
    const { outbox, server, store } = setup();
    server.rejectOnce();
    const draft = await outbox.add(input);
    await outbox.flush({ force: true });
    expect(store.rows.get(draft.key)?.state).toBe('failed');
    await outbox.flush({ force: true });
    expect(server.seenKeys).toHaveLength(1);
    await outbox.retry(draft.key);
    expect(server.byKey.size).toBe(1);
    expect(store.rows.size).toBe(0);
  });

  it('runs one flush at a time: calls during a flush do not send a draft twice in parallel', async () => {
    const store = memoryOutboxStore();
    let inFlight = 0;
    let maxInFlight = 0;
    let sends = 0;
    const outbox = new Outbox(store, async () => {
      inFlight += 1;
      sends += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
      return { kind: 'landed', bomb: { id: 'x' } as Bomb };
    });
    await outbox.add(input);
    await Promise.all([outbox.flush(), outbox.flush(), outbox.flush({ force: true })]);
    expect(maxInFlight).toBe(1);
    expect(sends).toBe(1);
  });

  it('treats a thrown sender as a retry, never as a loss', async () => {
    const store = memoryOutboxStore();
    const outbox = new Outbox(store, async () => {
      throw new Error('boom');
    });
    const draft = await outbox.add(input);
    await outbox.flush();
    expect(store.rows.get(draft.key)).toMatchObject({ state: 'pending', attempts: 1, error: 'boom' });
  });

  it('classifies answers: network, 5xx, busy key and expired session retry; validation is refused', () => {
    expect([0, 500, 503, 401, 409, 429].map(outcomeForStatus)).toEqual(Array(6).fill('retry'));
    expect([400, 403, 413, 422].map(outcomeForStatus)).toEqual(Array(4).fill('rejected'));
  });

  it('backs off exponentially up to a minute and reports the next attempt time', () => {
    expect([1, 2, 3, 10].map(retryDelay)).toEqual([2000, 4000, 8000, 60_000]);
    const d = (nextAttemptAt: number, state: OutboxDraft['state'] = 'pending') =>
      ({ key: String(nextAttemptAt), input, createdAt: '', attempts: 1, state, nextAttemptAt }) as OutboxDraft;
    expect(nextAttemptAt([d(30), d(10), d(5, 'failed')])).toBe(10);
    expect(nextAttemptAt([d(5, 'failed')])).toBeNull();
  });
});
