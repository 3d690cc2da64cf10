import type { Bomb, DefuseEvent, HeatmapCell } from '@defuse/shared';
import { describe, expect, it } from 'vitest';
import { applyEventToDetail, type BombPages, matchesFilters, upsertInPages } from '../../web/src/api/bomb-cache.ts';
import { moveItem } from '../../web/src/features/admin/move-item.ts';
import { heatLevel, heatmapRows } from '../../web/src/features/dashboard/load-maths.ts';
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

/** Cached pages of a list: each page's bombs, a cursor after every page but the last, the total on the first. */
const pages = (total: number, ...lists: Bomb[][]): BombPages => ({
  pages: lists.map((items, i) => ({
    items,
    nextCursor: i < lists.length - 1 ? `c${i}` : null,
    ...(i === 0 && { total }),
  })),
  pageParams: lists.map((_, i) => (i === 0 ? null : `c${i - 1}`)),
});
const ids = (data: BombPages) => data.pages.map((p) => p.items.map((b) => b.id));

describe('live updates of cached bomb lists', () => {
  it('inserts a new matching bomb in claim-deadline order and counts it', () => {
    const list = pages(2, [bomb('a', { claimDueAt: '2026-01-01T05:00:00.000Z' }), bomb('c')]);
    const next = upsertInPages(list, bomb('b', { claimDueAt: '2026-01-01T07:00:00.000Z' }), queue);
    expect(ids(next)).toEqual([['a', 'b', 'c']]);
    expect(next.pages[0]?.total).toBe(3);
  });

  it('drops a bomb that left the list (rerouted away or resolved) and ignores older versions', () => {
    const list = pages(1, [bomb('a', { version: 3 })]);
    expect(ids(upsertInPages(list, bomb('a', { version: 4, departmentId: 'd2' }), queue))).toEqual([[]]);
    const resolved = upsertInPages(list, bomb('a', { version: 4, status: 'resolved' }), queue);
    expect(ids(resolved)).toEqual([[]]);
    expect(resolved.pages[0]?.total).toBe(0);
    expect(upsertInPages(list, bomb('a', { version: 2, status: 'resolved' }), queue)).toEqual(list);
  });

  it('a newcomer past the last loaded row waits for its page, but is counted; one inside lands in its page', () => {
    const early = (h: number) => `2026-01-01T0${h}:00:00.000Z`;
    const loaded = pages(
      10,
      [bomb('a', { claimDueAt: early(1) }), bomb('b', { claimDueAt: early(2) })],
      [bomb('c', { claimDueAt: early(3) }), bomb('d', { claimDueAt: early(4) })],
    );
    // Two pages loaded of more: the server holds bombs due after d too.
    const list: BombPages = {
      ...loaded,
      pages: loaded.pages.map((p, i) => (i === 1 ? { ...p, nextCursor: 'c1' } : p)),
    };
    const later = upsertInPages(list, bomb('z', { claimDueAt: early(9) }), queue);
    expect(ids(later)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(later.pages[0]?.total).toBe(11);
    const inside = upsertInPages(list, bomb('x', { claimDueAt: '2026-01-01T03:30:00.000Z' }), queue);
    expect(ids(inside)).toEqual([
      ['a', 'b'],
      ['c', 'x', 'd'],
    ]);
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
  it('the server’s cells become one row per department, by name, with no department last', () => {
    const cell = (departmentId: string | null, category: HeatmapCell['category'], open: number): HeatmapCell => ({
      departmentId,
      category,
      open,
      load: open,
    });
    const names = {
      departments: new Map([
        ['d1', 'Logistics'],
        ['d2', 'Documentation'],
      ]),
      people: new Map<string, string>(),
      products: new Map<string, string>(),
    };
    const rows = heatmapRows(
      [cell(null, 'other', 1), cell('d1', 'shipping', 4), cell('d1', 'stock', 2), cell('d2', 'manual', 3)],
      names,
    );
    expect(rows.map((r) => r.name)).toEqual(['Documentation', 'Logistics', '—']);
    expect(rows[1]?.byCategory.get('stock')?.open).toBe(2);
    expect([0, 1, 2, 3, 4].map((v) => heatLevel(v, 4))).toEqual([0, 1, 2, 3, 4]);
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
