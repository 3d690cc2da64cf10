import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bomb } from '@defuse/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, usingPostgres } from '../helpers/db.ts';
import { runServerToExit, type ServerProcess, startServer } from '../helpers/server-process.ts';

const ORIGIN = 'http://127.0.0.1:1';
const ADMIN = { DEFUSE_ADMIN_EMAIL: 'root@example.test', DEFUSE_ADMIN_PASSWORD: 'durable-password' };

async function signIn(server: ServerProcess): Promise<string> {
  const res = await fetch(`${server.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN.DEFUSE_ADMIN_EMAIL, password: ADMIN.DEFUSE_ADMIN_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

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

async function listAll(url: string, cookie: string): Promise<Bomb[]> {
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

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function databaseEnv(): Promise<Record<string, string>> {
  if (usingPostgres()) {
    const db = await freshDatabase({ max: 1 });
    await db.close();
    cleanups.push(() => db.drop());
    return { DATABASE_URL: db.url ?? '' };
  }
  return { DATA_DIR: join(mkdtempSync(join(tmpdir(), 'defuse-durable-')), 'data') };
}

describe('kill -9 while bombs are being filed', () => {
  it('loses no acknowledged filing and doubles none on retry with the same keys', async () => {
    const env = { ...(await databaseEnv()), ...ADMIN, PUBLIC_ORIGIN: ORIGIN, DEFUSE_SEED: 'none' };
    const first = await startServer(env);
    cleanups.push(() => first.stop('SIGKILL'));
    const cookie = await signIn(first);

    const keys = Array.from({ length: 300 }, (_, i) => `durable-${i}`);
    const acknowledged = new Map<string, string>();
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < keys.length) {
        const key = keys[next++] as string;
        const r = await file(first.url, cookie, key);
        if (r.status === 201 && r.bomb) acknowledged.set(key, r.bomb.id);
        if (!killed && acknowledged.size >= 120) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(killed).toBe(true);
    expect(acknowledged.size).toBeGreaterThanOrEqual(120);
    expect(acknowledged.size).toBeLessThan(keys.length);

    // The restart takes over the stale PGlite lock the killed process left behind.
    const second = await startServer(env);
    cleanups.push(() => second.stop());
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

    // Stopping and starting again keeps every bomb.
    expect(await second.stop('SIGTERM')).toBe(0);
    const third = await startServer(env);
    cleanups.push(() => third.stop());
    expect(await listAll(third.url, cookie)).toHaveLength(keys.length);
    const health = (await (await fetch(`${third.url}/api/health`)).json()) as { database: string };
    expect(health.database).toBe(usingPostgres() ? 'postgres' : 'pglite');
  }, 180_000);
});

// PGlite only: the lock guards an embedded data folder; a PostgreSQL server needs none.
describe.runIf(!usingPostgres())('a second process on the same data folder', () => {
  it('is refused with a clear message while the first runs', async () => {
    const env = { ...(await databaseEnv()), DEFUSE_SEED: 'none' };
    const first = await startServer(env);
    cleanups.push(() => first.stop());
    const second = await runServerToExit(env);
    expect(second.code).toBe(1);
    expect(second.output).toMatch(/in use by another Defuse process/);
    expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
  }, 120_000);
});

describe('a bad configuration', () => {
  it('stops the start with a message naming the variable', async () => {
    const { code, output } = await runServerToExit({ PORT: 'eighty' });
    expect(code).toBe(1);
    expect(output).toMatch(/Invalid configuration:[\s\S]*PORT/);
  }, 60_000);
});
