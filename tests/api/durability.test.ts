import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, usingPostgres } from '../helpers/db.ts';
import { killDuringFilings } from '../helpers/kill-during-filings.ts';
import { runServerToExit, startServer } from '../helpers/server-process.ts';

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
    await killDuringFilings(await databaseEnv(), { total: 300, killAfter: 120 }, (stop) => cleanups.push(stop));
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
