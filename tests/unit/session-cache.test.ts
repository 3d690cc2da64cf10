import { SessionCache, TOUCH_EVERY_MS } from '@defuse/server/auth/session-cache';
import type { Viewer } from '@defuse/server/viewer';
import { describe, expect, it } from 'vitest';

const viewer = (id: string) => ({ id, role: 'field', departmentIds: [], leadDepartmentIds: [] }) as unknown as Viewer;
const at = (ms: number) => new Date(Date.UTC(2026, 10, 23) + ms);

describe('SessionCache', () => {
  const times = (now: number) => ({ now: at(now), lastSeenAt: at(now), expiresAt: at(now + 3_600_000) });

  it('answers a session until its time to live, its expiry or its last-seen touch is due', () => {
    const cache = new SessionCache(5_000);
    cache.set('t', { viewer: viewer('p'), sessionId: 's' }, times(0), cache.begin());
    expect(cache.get('t', at(4_999))?.sessionId).toBe('s');
    expect(cache.get('t', at(5_000))).toBeUndefined();

    const long = new SessionCache(10 * TOUCH_EVERY_MS);
    long.set('t', { viewer: viewer('p'), sessionId: 's' }, { ...times(0), expiresAt: at(30_000) }, long.begin());
    expect(long.get('t', at(30_000))).toBeUndefined();
    long.set('u', { viewer: viewer('p'), sessionId: 's' }, times(0), long.begin());
    expect(long.get('u', at(TOUCH_EVERY_MS))).toBeUndefined();
  });

  it('drops every session of a changed person, and all on null', () => {
    const cache = new SessionCache();
    for (const [token, person] of [
      ['a1', 'a'],
      ['a2', 'a'],
      ['b1', 'b'],
    ] as const) {
      cache.set(token, { viewer: viewer(person), sessionId: token }, times(0), cache.begin());
    }
    cache.drop('a');
    expect([cache.get('a1', at(1)), cache.get('a2', at(1)), cache.get('b1', at(1))?.sessionId]).toEqual([
      undefined,
      undefined,
      'b1',
    ]);
    cache.drop(null);
    expect(cache.get('b1', at(1))).toBeUndefined();
  });

  it('does not keep what was read before a drop (a sign-out racing the read)', () => {
    const cache = new SessionCache();
    const generation = cache.begin();
    cache.drop('p');
    cache.set('t', { viewer: viewer('p'), sessionId: 's' }, times(0), generation);
    expect(cache.get('t', at(1))).toBeUndefined();
  });

  it('stays bounded', () => {
    const cache = new SessionCache(5_000, 2);
    for (const token of ['x', 'y', 'z']) {
      cache.set(token, { viewer: viewer(token), sessionId: token }, times(0), cache.begin());
    }
    expect(['x', 'y', 'z'].map((t) => cache.get(t, at(1))?.sessionId)).toEqual([undefined, 'y', 'z']);
  });
});
