import { buildApp, WEB_ROOT } from './app.ts';
import { systemClock } from './clock.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError } from './db/data-dir-lock.ts';
import { type Database, openEmbedded, openPostgres } from './db/open.ts';
import { LocalSignal } from './live/local-signal.ts';
import { PgSignal } from './live/pg-signal.ts';
import { smtpMailer } from './mail/mailer.ts';
import { notificationTasks, SCHEDULER_TASKS, schedulerPlugin } from './plugins/scheduler.ts';
import { bootstrapAdmin, isEmpty } from './seed/bootstrap.ts';
import { DEMO_PASSWORD, seedDemo } from './seed/demo.ts';
import { SHUTDOWN_GRACE_MS, trackSockets } from './shutdown.ts';

/** config → database → migrations → seed → app → listen; SIGTERM closes everything in order. */
async function main() {
  const config = loadConfig(process.env);
  // The app's logger exists only once the app does; until then the breaker has nothing to say.
  let breakerChanged = (_open: boolean) => {};
  const database: Database = config.databaseUrl
    ? openPostgres(config.databaseUrl, { onBreakerChange: (open) => breakerChanged(open) })
    : await openEmbedded(config.dataDir);
  await database.migrate();

  // Several instances share one PostgreSQL: commits reach the others' live clients through LISTEN/NOTIFY.
  const pgSignal = database.pg
    ? await PgSignal.start(database.pg, (err) => process.stderr.write(`live signal: ${String(err)}\n`))
    : undefined;
  const deps = {
    db: database.db,
    dbKind: database.kind,
    clock: systemClock,
    signal: pgSignal ?? new LocalSignal(),
    outbound: config.outbound,
  };
  // With PostgreSQL a slow poll backs up LISTEN/NOTIFY (a NOTIFY that failed to send).
  const app = await buildApp(deps, { config, webRoot: WEB_ROOT, live: { pollMs: database.pg ? 10_000 : 0 } });
  // Without SMTP_URL notifications stay in the board's inbox.
  const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : undefined;
  const mail = mailer ? { mailer, origin: config.publicOrigins[0] ?? `http://localhost:${config.port}` } : null;
  await app.register(schedulerPlugin, { deps, tasks: [...SCHEDULER_TASKS, ...notificationTasks(mail)] });
  breakerChanged = (open) =>
    open
      ? app.log.error({ event: 'db.unreachable' }, 'database unreachable: answering 503 until a probe gets through')
      : app.log.info({ event: 'db.reachable' }, 'database reachable again');

  if (config.bootstrapAdmin && (await bootstrapAdmin(deps, config.bootstrapAdmin))) {
    app.log.info({ email: config.bootstrapAdmin.email }, 'bootstrap admin created');
  }
  if (config.seed === 'demo' && (await isEmpty(database.db))) {
    const signIns = await seedDemo(deps);
    app.log.info('demo workspace seeded');
    process.stdout.write(
      `\nDemo sign-ins (password "${DEMO_PASSWORD}"):\n${signIns.map((s) => `  ${s.role.padEnd(6)} ${s.email}`).join('\n')}\n\n`,
    );
  }

  const sockets = trackSockets(app.server);
  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // Past the grace period, whatever is still open is closed; should the close still not finish
    // (a database that does not answer its goodbye), the process exits anyway a second later.
    setTimeout(() => {
      app.log.warn({ sockets: sockets.destroyAll() }, 'shutdown: closed the connections still open');
      setTimeout(() => {
        app.log.error('shutdown did not finish; exiting');
        process.exit(1);
      }, 1000).unref();
    }, SHUTDOWN_GRACE_MS).unref();
    await app.close();
    mailer?.close();
    await pgSignal?.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void close('SIGTERM'));
  process.on('SIGINT', () => void close('SIGINT'));

  const address = await app.listen({ port: config.port, host: config.host });
  app.log.info({ address, database: database.kind }, `Defuse on ${database.kind} at ${address}`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`Defuse failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
