/**
 * `pnpm test:pg`: the unit, API and live suites on PostgreSQL. With TEST_DATABASE_URL set, on that
 * server; without it, on a throwaway cluster of its own (privatePostgres), removed at the end, so
 * the PostgreSQL-only tests run on any machine that has the PostgreSQL binaries. Arguments are
 * passed on to vitest (`pnpm test:pg tests/api/settled-seq.test.ts`).
 */
import { spawn } from 'node:child_process';
import { type PrivatePostgres, privatePostgres } from './private-postgres.ts';

const PROJECTS = ['--project', 'unit', '--project', 'api', '--project', 'live'];

async function main(): Promise<number> {
  let cluster: PrivatePostgres | undefined;
  let url = process.env.TEST_DATABASE_URL;
  if (url) {
    process.stdout.write(`test:pg: on TEST_DATABASE_URL (${new URL(url).host})\n`);
  } else {
    process.stdout.write('test:pg: TEST_DATABASE_URL is unset: starting a throwaway PostgreSQL cluster\n');
    try {
      cluster = await privatePostgres({ fsync: false });
    } catch (err) {
      process.stderr.write(
        `test:pg: could not start PostgreSQL (${String(err)}).\n` +
          'Install it (Debian: apt-get install postgresql-15), set PG_BIN to the folder holding initdb and pg_ctl,\n' +
          'or set TEST_DATABASE_URL to a server where this role may create databases.\n',
      );
      return 1;
    }
    url = cluster.url;
    process.stdout.write(`test:pg: PostgreSQL at ${url}\n`);
  }
  const stop = () => cluster?.destroy();
  const child = spawn('vitest', ['run', ...PROJECTS, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, TEST_DATABASE_URL: url },
  });
  // Ctrl-C reaches vitest through the terminal; the cluster goes once vitest has exited.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  const code = await new Promise<number>((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
  stop();
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`test:pg failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
