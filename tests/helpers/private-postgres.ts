import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A PostgreSQL command as the postgres user (initdb and the server refuse root). */
function runAs(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

function asPostgres(cmd: string, args: string[]) {
  return execFileSync(...runAs(cmd, args), { stdio: 'pipe', encoding: 'utf8' });
}

/** The same, without blocking the event loop (so a test can time requests meanwhile). */
function asPostgresAsync(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile(...runAs(cmd, args), (err) => (err ? reject(err) : resolve())));
}

export interface PrivatePostgres {
  url: string;
  stop(): void;
  start(): void;
  /** stop and start, resolving once pg_ctl is done, while the test's own requests go on. */
  stopAsync(): Promise<void>;
  startAsync(): Promise<void>;
  /** Stops the server and removes its folder. */
  destroy(): void;
}

/**
 * A PostgreSQL cluster of the test's own, in a temporary folder on a free port, so a fault test can
 * stop and restart it without touching the machine's shared server. `fsync: false` for a cluster
 * whose data nobody needs after a crash (a test run), where flushing only costs time.
 */
export async function privatePostgres({ fsync = true }: { fsync?: boolean } = {}): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'defuse-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  asPostgres(`${BIN}/initdb`, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const ctlArgs = (action: string) => [
    '-D',
    data,
    '-w',
    '-t',
    '60',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=${fsync ? 'on' : 'off'}`,
    '-l',
    join(dir, 'log'),
    action,
  ];
  const ctl = (action: string) => asPostgres(`${BIN}/pg_ctl`, ctlArgs(action));
  ctl('start');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => ctl('stop'),
    start: () => ctl('start'),
    stopAsync: () => asPostgresAsync(`${BIN}/pg_ctl`, ctlArgs('stop')),
    startAsync: () => asPostgresAsync(`${BIN}/pg_ctl`, ctlArgs('start')),
    destroy: () => {
      try {
        ctl('stop');
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
