import type { Bomb, DefuseEvent } from '@defuse/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BombPages } from '../../web/src/api/bomb-cache.ts';
import { adminKeys, bombKeys, isolationKeys } from '../../web/src/api/keys.ts';
import { createQueryClient } from '../../web/src/api/query-client.ts';
import { createLiveEffectApplier } from '../../web/src/live/apply-live-effect.ts';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const T = '2026-01-01T00:00:00.000Z';
const bomb = (overrides: Partial<Bomb> = {}): Bomb => ({
  id: uuid(1),
  key: 'SHIP-1',
  title: 'Late',
  description: '',
  category: 'shipping',
  severity: 'normal',
  status: 'open',
  restricted: false,
  productId: null,
  customer: null,
  filedById: uuid(9),
  departmentId: uuid(5),
  assigneeId: null,
  helperIds: [],
  tier: 0,
  bounces: 0,
  disputed: false,
  rootCause: null,
  claimDueAt: '2026-01-02T00:00:00.000Z',
  resolveDueAt: null,
  createdAt: T,
  updatedAt: T,
  version: 1,
  ...overrides,
});
/** Cast: some of these are deliberately not what their type says (a bomb that does not parse). */
const eventOf = (seq: number, type: DefuseEvent['type'], data: Record<string, unknown>): DefuseEvent =>
  ({ seq, type, bombId: uuid(1), personId: null, actorId: uuid(2), at: T, data }) as DefuseEvent;

/** A cached list as the board holds it: pages of `{items, nextCursor, total}`. */
const onePage = (items: Bomb[]): BombPages => ({
  pages: [{ items, nextCursor: null, total: items.length }],
  pageParams: [null],
});

afterEach(() => {
  vi.useRealTimers();
});

describe('live events into the query cache', () => {
  it('a claim moves the bomb between cached lists and appends to its cached timeline', () => {
    const client = createQueryClient();
    const apply = createLiveEffectApplier(client);
    const queue = { departmentId: uuid(5), status: ['open' as const], sort: 'claimDue' as const };
    const mine = { assigneeId: uuid(2), status: ['claimed' as const, 'waiting' as const] };
    client.setQueryData(bombKeys.list(queue), onePage([bomb()]));
    client.setQueryData(bombKeys.list(mine), onePage([]));
    client.setQueryData(bombKeys.detail(uuid(1)), { bomb: bomb(), events: [eventOf(1, 'bomb.filed', {})] });

    const claimed = bomb({ status: 'claimed', assigneeId: uuid(2), version: 2 });
    apply({ type: 'apply', event: eventOf(2, 'bomb.claimed', { bomb: claimed }) });

    expect(client.getQueryData<BombPages>(bombKeys.list(queue))?.pages[0]).toEqual({
      items: [],
      nextCursor: null,
      total: 0,
    });
    const mineNow = client.getQueryData<BombPages>(bombKeys.list(mine))?.pages[0];
    expect(mineNow?.items.map((b) => b.status)).toEqual(['claimed']);
    expect(mineNow?.total).toBe(1);
    const detail = client.getQueryData<{ bomb: Bomb; events: DefuseEvent[] }>(bombKeys.detail(uuid(1)));
    expect(detail?.bomb.assigneeId).toBe(uuid(2));
    expect(detail?.events.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('an event without a readable bomb refetches the bomb caches instead of guessing', () => {
    const client = createQueryClient();
    client.setQueryData(bombKeys.list({}), onePage([bomb()]));
    createLiveEffectApplier(client)({ type: 'apply', event: eventOf(3, 'bomb.commented', { bomb: { id: 'x' } }) });
    expect(client.getQueryState(bombKeys.list({}))?.isInvalidated).toBe(true);
  });

  it('person events refresh isolation at once; bomb events at most every few seconds', () => {
    vi.useFakeTimers();
    const client = createQueryClient();
    const apply = createLiveEffectApplier(client);
    client.setQueryData(isolationKeys.list(), { generatedAt: T, people: [] });
    apply({ type: 'apply', event: eventOf(4, 'bomb.claimed', { bomb: bomb({ version: 2 }) }) });
    apply({ type: 'apply', event: eventOf(5, 'bomb.commented', { bomb: bomb({ version: 3 }) }) });
    expect(client.getQueryState(isolationKeys.list())?.isInvalidated).toBe(false);
    vi.advanceTimersByTime(5_000);
    expect(client.getQueryState(isolationKeys.list())?.isInvalidated).toBe(true);

    client.setQueryData(isolationKeys.list(), { generatedAt: T, people: [] });
    apply({ type: 'apply', event: { ...eventOf(6, 'person.isolation_changed', {}), bombId: null } });
    expect(client.getQueryState(isolationKeys.list())?.isInvalidated).toBe(true);
  });

  it('a refetch after a gap refreshes live data but never an admin form being edited', () => {
    const client = createQueryClient();
    client.setQueryData(bombKeys.list({}), onePage([]));
    client.setQueryData(adminKeys.routing, { rules: [], fallbackDepartmentId: uuid(5) });
    client.setQueryData(adminKeys.isolationSettings, {});
    client.setQueryData(adminKeys.policy(uuid(5)), {});
    createLiveEffectApplier(client)({ type: 'refetch' });
    expect(client.getQueryState(bombKeys.list({}))?.isInvalidated).toBe(true);
    for (const key of [adminKeys.routing, adminKeys.isolationSettings, adminKeys.policy(uuid(5))]) {
      expect(client.getQueryState(key)?.isInvalidated, String(key[0])).toBe(false);
    }
  });
});
