import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where initdb and pg_ctl are: Debian's PostgreSQL 15 unless PG_BIN says otherwise. */
const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Runs a PostgreSQL command as the postgres user (initdb and the server refuse root). */
function asPostgres(cmd: string, args: string[]) {
  const runAs = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  return execFileSync(runAs[0] as string, runAs[1] as string[], { stdio: 'pipe', encoding: 'utf8' });
}

export interface PrivatePostgres {
  url: string;
  stop(): void;
  start(): void;
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
  const ctl = (action: string) =>
    asPostgres(`${BIN}/pg_ctl`, [
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
    ]);
  ctl('start');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => ctl('stop'),
    start: () => ctl('start'),
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
