import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite, openPostgres } from '@defuse/server/db/open';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';

export const TEMPLATE_DB = `defuse_template_${process.pid}`;

/**
 * Migrates once per run: a PGlite data dump every test file loads, or (with TEST_DATABASE_URL) a
 * template database every file copies. A PostgreSQL that cannot be reached fails the run.
 */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await admin`select 1`;
    } catch (err) {
      throw new Error(`TEST_DATABASE_URL is set but PostgreSQL cannot be reached at ${url}: ${String(err)}`);
    }
    await admin.unsafe(`drop database if exists ${TEMPLATE_DB} with (force)`);
    await admin.unsafe(`create database ${TEMPLATE_DB}`);
    const target = new URL(url);
    target.pathname = `/${TEMPLATE_DB}`;
    const db = openPostgres(target.toString(), { max: 1 });
    await db.migrate();
    await db.close();
    project.provide('pgTemplate', TEMPLATE_DB);
    project.provide('pgliteDump', '');
    return async () => {
      await admin.unsafe(`drop database if exists ${TEMPLATE_DB} with (force)`);
      await admin.end();
    };
  }
  const client = await PGlite.create();
  const db = openPglite(client);
  await db.migrate();
  const dump = await client.dumpDataDir('none');
  const dir = join(tmpdir(), 'defuse-tests');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `template-${process.pid}.tar`);
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  await db.close();
  project.provide('pgTemplate', '');
  project.provide('pgliteDump', path);
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string;
    pgliteDump: string;
  }
}
