import { buildApp } from '@defuse/server/app';
import type { Clock } from '@defuse/server/clock';
import { openPostgres } from '@defuse/server/db/open';
import type { Deps } from '@defuse/server/deps';
import { LocalSignal } from '@defuse/server/live/local-signal';
import { PgSignal } from '@defuse/server/live/pg-signal';
import type { FastifyInstance } from 'fastify';
import { listenOnPort0, testConfig } from './app.ts';

/** One server instance of several sharing a PostgreSQL database, listening on a free port. */
export interface Instance {
  app: FastifyInstance;
  deps: Deps;
  ws: string;
  pgSignal?: PgSignal;
  close(): Promise<void>;
}

/** `notify`: commits reach the other instances through LISTEN/NOTIFY; `local`: they do not. */
export async function startInstance(
  url: string,
  clock: Clock,
  signal: 'notify' | 'local' = 'notify',
): Promise<Instance> {
  const db = openPostgres(url, { max: 5 });
  const pg = db.pg;
  if (!pg) throw new Error('expected a PostgreSQL connection');
  const pgSignal = signal === 'notify' ? await PgSignal.start(pg) : undefined;
  const deps: Deps = { db: db.db, dbKind: db.kind, clock, signal: pgSignal ?? new LocalSignal() };
  const app = await buildApp(deps, { config: testConfig, logger: false });
  const { ws } = await listenOnPort0(app);
  return {
    app,
    deps,
    ws,
    ...(pgSignal && { pgSignal }),
    async close() {
      await app.close();
      await pgSignal?.close();
      await db.close();
    },
  };
}
