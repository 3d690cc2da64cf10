import type { Bomb, DefuseEvent } from '@defuse/shared';
import { describe, expect, it } from 'vitest';
import { applyEventToDetail, matchesFilters, upsertInList } from '../../web/src/api/bomb-cache.ts';
import { moveItem } from '../../web/src/features/admin/move-item.ts';
import { heatLevel, heatmapOf, median, ownershipAges } from '../../web/src/features/dashboard/load-maths.ts';
import { handoffCount, ownerSince } from '../../web/src/features/field/ownership.ts';

const bomb = (id: string, overrides: Partial<Bomb> = {}): Bomb =>
  ({
    id,
    key: id.toUpperCase(),
    status: 'open',
    category: 'shipping',
    severity: 'normal',
    departmentId: 'd1',
    filedById: 'f1',
    assigneeId: null,
    bounces: 0,
    claimDueAt: '2026-01-01T10:00:00.000Z',
    createdAt: '2026-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  }) as Bomb;

const queue = {
  departmentId: 'd1',
  status: ['open', 'claimed', 'waiting'] as Bomb['status'][],
  sort: 'claimDue' as const,
};

describe('live updates of cached bomb lists', () => {
  it('inserts a new matching bomb in claim-deadline order', () => {
    const list = [bomb('a', { claimDueAt: '2026-01-01T05:00:00.000Z' }), bomb('c')];
    const next = upsertInList(list, bomb('b', { claimDueAt: '2026-01-01T07:00:00.000Z' }), queue);
    expect(next.map((b) => b.id)).toEqual(['a', 'b', 'c']);
  });

  it('drops a bomb that left the list (rerouted away or resolved) and ignores older versions', () => {
    const list = [bomb('a', { version: 3 })];
    expect(upsertInList(list, bomb('a', { version: 4, departmentId: 'd2' }), queue)).toEqual([]);
    expect(upsertInList(list, bomb('a', { version: 4, status: 'resolved' }), queue)).toEqual([]);
    expect(upsertInList(list, bomb('a', { version: 2, status: 'resolved' }), queue)).toEqual(list);
  });

  it('matches filters the way the server does', () => {
    expect(matchesFilters(bomb('a', { assigneeId: 'me', status: 'claimed' }), { assigneeId: 'me' })).toBe(true);
    expect(matchesFilters(bomb('a'), { filedById: 'someone-else' })).toBe(false);
    expect(matchesFilters(bomb('a'), {})).toBe(true);
  });

  it('appends a timeline event once and takes the newer bomb', () => {
    const e = (seq: number) => ({ seq, type: 'bomb.claimed', data: {} }) as unknown as DefuseEvent;
    const detail = { bomb: bomb('a'), events: [e(1)] };
    const once = applyEventToDetail(detail, e(2), bomb('a', { version: 2, status: 'claimed' }));
    const twice = applyEventToDetail(once, e(2), bomb('a', { version: 2, status: 'claimed' }));
    expect(twice.events.map((x) => x.seq)).toEqual([1, 2]);
    expect(twice.bomb.status).toBe('claimed');
  });
});

describe('dashboard maths', () => {
  it('weights open load by severity per department and category', () => {
    const map = heatmapOf([
      bomb('a', { severity: 'critical' }),
      bomb('b', { severity: 'low', category: 'manual' }),
      bomb('c', { status: 'closed', severity: 'critical' }),
      bomb('d', { departmentId: 'd2', severity: 'high' }),
    ]);
    expect(map.get('d1')?.shipping).toBe(4);
    expect(map.get('d1')?.manual).toBe(0.5);
    expect(map.get('d2')?.shipping).toBe(2);
    expect([0, 1, 2, 3, 4].map((v) => heatLevel(v, 4))).toEqual([0, 1, 2, 3, 4]);
  });

  it('medians and ownership ages', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    const now = Date.parse('2026-01-01T04:00:00.000Z');
    expect(ownershipAges([bomb('a'), bomb('b', { createdAt: '2026-01-01T02:00:00.000Z' })], now).get('d1')).toBe(
      3 * 3600_000,
    );
  });
});

describe('my bombs: owner since and hand-offs', () => {
  const ev = (type: string, at: string, data: Record<string, unknown> = {}) =>
    ({ type, at, data }) as unknown as DefuseEvent;
  it('the owner changed at the last claim, bounce or reopen', () => {
    const events = [
      ev('bomb.filed', '2026-01-01T00:00:00Z'),
      ev('bomb.claimed', '2026-01-01T01:00:00Z'),
      ev('bomb.commented', '2026-01-01T02:00:00Z'),
      ev('bomb.declined', '2026-01-01T03:00:00Z'),
      ev('bomb.claimed', '2026-01-01T04:00:00Z'),
      ev('bomb.commented', '2026-01-01T05:00:00Z'),
    ];
    expect(ownerSince(bomb('a'), events)).toBe('2026-01-01T04:00:00Z');
    expect(handoffCount(bomb('a', { bounces: 1 }), events)).toBe(2);
    expect(ownerSince(bomb('a'), [])).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('routing rule order', () => {
  it('moves a rule up and down and stops at the ends', () => {
    expect(moveItem(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
  });
});
