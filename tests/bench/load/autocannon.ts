import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  /** How long to run; ignored when `amount` is given. */
  seconds?: number;
  /** How many requests in all. */
  amount?: number;
  /** A fresh Idempotency-Key on every request. */
  idempotency?: boolean;
  /** A file of request paths, one a line, taken in turn (written by `withPaths`). */
  pathsFile?: string;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

/** Runs autocannon in a child process (tsx loader) and reads its result. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('exit', () => {
      try {
        const r = JSON.parse(out) as {
          requests: { average: number; total: number };
          latency: { p50: number; p99: number };
          non2xx: number;
          errors: number;
        };
        resolve({
          requests: r.requests.total,
          rps: r.requests.average,
          p50: r.latency.p50,
          p99: r.latency.p99,
          non2xx: r.non2xx,
          errors: r.errors,
        });
      } catch (err) {
        reject(new Error(`autocannon output unreadable: ${String(err)}\n${out}`));
      }
    });
  });
}

/** Writes request paths to a temporary file for `LoadOptions.pathsFile`. */
export function withPaths(paths: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'defuse-load-')), 'paths.txt');
  writeFileSync(file, `${paths.join('\n')}\n`);
  return file;
}
