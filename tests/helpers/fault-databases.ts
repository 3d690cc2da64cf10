import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';

/** The machine's PostgreSQL; fault tests make and drop a database of their own on it. */
export const FAULT_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface FaultDatabase {
  /** Environment for a server process: DATA_DIR (PGlite) or DATABASE_URL (PostgreSQL). */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * Each fault test runs against a real server process on both databases in every run (CI runs the
 * fault suite once): an embedded PGlite in a temporary folder, and a fresh database on the
 * PostgreSQL at TEST_DATABASE_URL (or the machine's), which fails the test if it cannot be reached.
 */
export const FAULT_DATABASES: { name: 'PGlite' | 'PostgreSQL'; create(): Promise<FaultDatabase> }[] = [
  {
    name: 'PGlite',
    async create() {
      return { env: { DATA_DIR: join(mkdtempSync(join(tmpdir(), 'defuse-fault-')), 'data') }, drop: async () => {} };
    },
  },
  {
    name: 'PostgreSQL',
    async create() {
      const name = `defuse_fault_${randomBytes(6).toString('hex')}`;
      const admin = postgres(FAULT_PG_URL, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      const url = new URL(FAULT_PG_URL);
      url.pathname = `/${name}`;
      return {
        env: { DATABASE_URL: url.toString() },
        async drop() {
          await admin.unsafe(`drop database if exists ${name} with (force)`);
          await admin.end();
        },
      };
    },
  },
];
