import { buildApp } from '@defuse/server/app';
import type { Database } from '@defuse/server/db/open';
import type { Deps } from '@defuse/server/deps';
import { LocalSignal } from '@defuse/server/live/local-signal';
import type { FastifyInstance } from 'fastify';
import { type ManualClock, manualClock } from './clock.ts';
import { freshDatabase } from './db.ts';

export const TEST_ORIGIN = 'http://127.0.0.1:3000';

export const testConfig = {
  publicOrigins: [TEST_ORIGIN, 'http://localhost:3000'],
  secureCookies: false,
  trustProxy: undefined,
  logLevel: 'silent' as const,
};

export interface TestContext {
  app: FastifyInstance;
  deps: Deps;
  clock: ManualClock;
  signal: LocalSignal;
  database: Database & { url?: string };
  close(): Promise<void>;
}

/** A real app over a fresh migrated database and a manual clock; every API test starts here. */
export async function createTestContext(options: { clock?: ManualClock; dbMax?: number } = {}): Promise<TestContext> {
  const database = await freshDatabase(options.dbMax !== undefined ? { max: options.dbMax } : {});
  const clock = options.clock ?? manualClock();
  const signal = new LocalSignal();
  const deps: Deps = { db: database.db, dbKind: database.kind, clock, signal };
  const app = await buildApp(deps, { config: testConfig, logger: false });
  await app.ready();
  return {
    app,
    deps,
    clock,
    signal,
    database,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
