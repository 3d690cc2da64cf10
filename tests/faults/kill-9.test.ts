import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, it } from 'vitest';
import { killDuringFilings } from '../helpers/kill-during-filings.ts';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('kill -9 during 2,000 filings with client retries on the same Idempotency-Key', () => {
  it('on PGlite: 0 acknowledged lost, 0 doubled', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'defuse-kill9-')), 'data');
    const { acknowledged } = await killDuringFilings({ DATA_DIR: dir }, { total: 2000, killAfter: 900 }, (s) =>
      cleanups.push(s),
    );
    console.log(`PGlite: ${acknowledged} acknowledged before kill -9; all present after restart, none doubled`);
  });

  it('on PostgreSQL: 0 acknowledged lost, 0 doubled', async () => {
    const name = `defuse_kill9_${process.pid}`;
    const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
    cleanups.push(async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    });
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    const { acknowledged } = await killDuringFilings(
      { DATABASE_URL: url.toString() },
      { total: 2000, killAfter: 900 },
      (s) => cleanups.push(s),
    );
    console.log(`PostgreSQL: ${acknowledged} acknowledged before kill -9; all present after restart, none doubled`);
  });
});
