import type { Bomb } from '@defuse/shared';
import { expect } from 'vitest';
import { signInCookie, startServer } from './server-process.ts';

const ORIGIN = 'http://127.0.0.1:1';
const ADMIN = { DEFUSE_ADMIN_EMAIL: 'root@example.test', DEFUSE_ADMIN_PASSWORD: 'durable-password' };

async function file(
  url: string,
  cookie: string,
  key: string,
): Promise<{ status: number; bomb?: Bomb; replayed: boolean }> {
  try {
    const res = await fetch(`${url}/api/bombs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: ORIGIN, 'idempotency-key': key },
      body: JSON.stringify({ title: `durable ${key}`, category: 'shipping', severity: 'normal' }),
    });
    const body = (await res.json()) as { bomb?: Bomb };
    return {
      status: res.status,
      ...(body.bomb && { bomb: body.bomb }),
      replayed: res.headers.get('idempotency-replayed') === 'true',
    };
  } catch {
    return { status: 0, replayed: false };
  }
}

export async function listAll(url: string, cookie: string): Promise<Bomb[]> {
  const all: Bomb[] = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(`${url}/api/bombs?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: { cookie } });
    const page = (await res.json()) as { items: Bomb[]; nextCursor: string | null };
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

/**
 * Files `total` bombs with Idempotency-Keys from 8 clients, kill -9s the server once `killAfter`
 * are acknowledged, restarts it, retries every key, and checks: every acknowledged filing is
 * there with its first id, and no key made two bombs. Then a clean stop and start keeps them all.
 */
export async function killDuringFilings(
  databaseEnv: Record<string, string>,
  { total, killAfter }: { total: number; killAfter: number },
  track: (stop: () => Promise<unknown>) => void,
): Promise<{ acknowledged: number }> {
  const env = { ...databaseEnv, ...ADMIN, PUBLIC_ORIGIN: ORIGIN, DEFUSE_SEED: 'none' };
  const first = await startServer(env);
  track(() => first.stop('SIGKILL'));
  const cookie = await signInCookie(first.url, {
    email: ADMIN.DEFUSE_ADMIN_EMAIL,
    password: ADMIN.DEFUSE_ADMIN_PASSWORD,
  });

  const keys = Array.from({ length: total }, (_, i) => `durable-${i}`);
  const acknowledged = new Map<string, string>();
  let next = 0;
  let killed = false;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++] as string;
      const r = await file(first.url, cookie, key);
      if (r.status === 201 && r.bomb) acknowledged.set(key, r.bomb.id);
      if (!killed && acknowledged.size >= killAfter) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  expect(killed).toBe(true);
  expect(acknowledged.size).toBeGreaterThanOrEqual(killAfter);
  expect(acknowledged.size).toBeLessThan(keys.length);

  // The restart takes over the stale PGlite lock the killed process left behind.
  const second = await startServer(env);
  track(() => second.stop());
  for (const key of keys) {
    const r = await file(second.url, cookie, key);
    expect(r.status, key).toBe(201);
    const ackedId = acknowledged.get(key);
    if (ackedId) {
      expect(r.replayed, key).toBe(true);
      expect(r.bomb?.id).toBe(ackedId);
    }
  }
  const stored = await listAll(second.url, cookie);
  expect(stored).toHaveLength(keys.length);
  expect(new Set(stored.map((b) => b.title)).size).toBe(keys.length);
  const ids = new Set(stored.map((b) => b.id));
  for (const id of acknowledged.values()) expect(ids.has(id)).toBe(true);

  expect(await second.stop('SIGTERM')).toBe(0);
  const third = await startServer(env);
  track(() => third.stop());
  expect(await listAll(third.url, cookie)).toHaveLength(keys.length);
  const health = (await (await fetch(`${third.url}/api/health`)).json()) as { database: string };
  expect(health.database).toBe(databaseEnv.DATABASE_URL ? 'postgres' : 'pglite');
  return { acknowledged: acknowledged.size };
}
