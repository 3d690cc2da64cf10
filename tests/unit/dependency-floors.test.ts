import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Floors from published advisories (docs/security.md check 16). */
const FLOORS: Record<string, string> = {
  fastify: '5.8.5', // Content-Type validation bypasses
  ws: '8.21.0', // @fastify/websocket accepts older: pinned through pnpm overrides
  'drizzle-orm': '0.45.2', // sql.identifier()/.as() injection
};

const serverRequire = createRequire(fileURLToPath(new URL('../../server/package.json', import.meta.url)));
/** A dependency of a dependency resolves from its parent's own folder (pnpm keeps them apart). */
const fastifyWsRequire = createRequire(serverRequire.resolve('@fastify/websocket'));

function installedVersion(req: NodeJS.Require, name: string): string {
  let dir = dirname(req.resolve(name));
  while (!dir.endsWith(join('node_modules', name))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

const atLeast = (version: string, floor: string) => {
  const a = version.split('.').map(Number);
  const b = floor.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
};

describe('installed dependencies', () => {
  for (const [name, floor] of Object.entries(FLOORS)) {
    it(`${name} is at least ${floor}`, () => {
      expect(atLeast(installedVersion(serverRequire, name), floor), installedVersion(serverRequire, name)).toBe(true);
    });
  }

  it('the ws that @fastify/websocket loads is at least the floor too', () => {
    const version = installedVersion(fastifyWsRequire, 'ws');
    expect(atLeast(version, FLOORS.ws ?? ''), version).toBe(true);
  });

  it('postgres.js carries the nextWrite guard (patches/), so a closed socket cannot crash the process', () => {
    const file = join(dirname(serverRequire.resolve('postgres')), 'connection.js');
    expect(readFileSync(file, 'utf8')).toMatch(/if \(!socket\) \{[\s\S]*CONNECTION_CLOSED/);
  });

  it('compares versions numerically', () => {
    expect(atLeast('8.21.0', '8.21.0')).toBe(true);
    expect(atLeast('8.9.0', '8.21.0')).toBe(false);
    expect(atLeast('5.10.0', '5.8.5')).toBe(true);
  });
});
