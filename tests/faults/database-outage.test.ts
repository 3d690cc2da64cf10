import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivatePostgres, privatePostgres } from '../helpers/private-postgres.ts';
import { tcpSocketsOf } from '../helpers/process-sockets.ts';
import { type ServerProcess, signInCookie, startServer } from '../helpers/server-process.ts';

const ORIGIN = 'http://127.0.0.1:1';
const ADMIN = { DEFUSE_ADMIN_EMAIL: 'root@example.test', DEFUSE_ADMIN_PASSWORD: 'outage-password' };
let pg: PrivatePostgres;
let server: ServerProcess;
let cookie: string;

beforeAll(async () => {
  pg = await privatePostgres();
  server = await startServer({ DATABASE_URL: pg.url, ...ADMIN, PUBLIC_ORIGIN: ORIGIN, DEFUSE_SEED: 'none' });
  cookie = await signInCookie(server.url, { email: ADMIN.DEFUSE_ADMIN_EMAIL, password: ADMIN.DEFUSE_ADMIN_PASSWORD });
});

afterAll(async () => {
  await server?.stop('SIGKILL');
  pg?.destroy();
});

interface Answer {
  /** What the database was doing when the request was sent. */
  phase: string;
  status: number;
  ms: number;
  retryAfter: string | null;
  body: unknown;
}

let phase = 'up';

async function call(path: string, init: RequestInit = {}): Promise<Answer> {
  const started = performance.now();
  const sentIn = phase;
  try {
    const res = await fetch(`${server.url}${path}`, {
      ...init,
      headers: { cookie, origin: ORIGIN, ...init.headers },
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return {
      phase: sentIn,
      status: res.status,
      ms: performance.now() - started,
      retryAfter: res.headers.get('retry-after'),
      body: text ? JSON.parse(text) : null,
    };
  } catch (err) {
    return { phase: sentIn, status: 0, ms: performance.now() - started, retryAfter: null, body: String(err) };
  }
}

const list = () => call('/api/bombs');
const file = (title: string) =>
  call('/api/bombs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, category: 'stock', severity: 'high' }),
  });

/** The server's connections to the database (pool and LISTEN). */
function databaseConnections(pid: number): number {
  const port = Number(new URL(pg.url).port);
  return tcpSocketsOf(pid).filter((s) => s.remotePort === port).length;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL unreachable', () => {
  it('answers 503 service_unavailable with Retry-After within 2 s, and recovers by itself', async () => {
    expect((await file('before')).status).toBe(201);
    expect((await list()).status).toBe(200);
    const pid = server.child.pid ?? 0;

    // Filings keep arriving throughout, so the group commit's queue is full when the database goes.
    const load: Answer[] = [];
    let loading = true;
    const loaders = Array.from({ length: 8 }, async (_, i) => {
      while (loading) load.push(await file(`load ${i}`));
    });
    await sleep(500);

    phase = 'stopping';
    await pg.stopAsync();
    phase = 'down';
    const stoppedAt = performance.now();
    const probes: { what: string; answer: Answer }[] = [];
    while (performance.now() - stoppedAt < 10_000) {
      const [get, post] = await Promise.all([list(), file('while away')]);
      probes.push({ what: 'GET /api/bombs', answer: get }, { what: 'POST /api/bombs', answer: post });
      await sleep(250);
    }
    const slowest = Math.max(...probes.map((p) => p.answer.ms));
    const outageLoad = load.filter((a) => a.phase === 'stopping' || a.phase === 'down');
    console.log(
      `outage: ${probes.length} probes, slowest ${slowest.toFixed(0)} ms; load: ${outageLoad.length} answers, ` +
        `${outageLoad.filter((a) => a.status === 503).length} × 503, ` +
        `slowest ${Math.max(...outageLoad.map((a) => a.ms)).toFixed(0)} ms`,
    );
    for (const { what, answer } of probes) {
      expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBe(503);
      expect(answer.ms, what).toBeLessThan(2000);
      expect(Number(answer.retryAfter), `${what} Retry-After`).toBeGreaterThan(0);
      expect(answer.body).toMatchObject({ error: { code: 'service_unavailable', message: expect.any(String) } });
    }
    // The filings queued or in flight as it went failed fast too: none waited for its return (the
    // outage lasts 10 s; before the breaker they took up to the 30 s request timeout). The 2 s is
    // measured on the probes above; this load runs 8 at a time on a shared machine, so the bound
    // here says "never hung" with room for a starved CPU.
    expect(outageLoad.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    const NEVER_HUNG_MS = 5000;
    const slow = outageLoad.filter((a) => a.ms >= NEVER_HUNG_MS || (a.status !== 201 && a.status !== 503));
    expect(slow, JSON.stringify(slow.slice(0, 3))).toEqual([]);

    phase = 'starting';
    await pg.startAsync();
    phase = 'back';
    const startedAt = performance.now();
    let back: Answer = await file('after');
    while (back.status !== 201 && performance.now() - startedAt < 10_000) {
      await sleep(200);
      back = await file('after');
    }
    loading = false;
    await Promise.all(loaders);
    // Coming back, nothing hung or failed otherwise either.
    const late = load.filter((a) => a.ms >= NEVER_HUNG_MS || (a.status !== 201 && a.status !== 503));
    expect(late, JSON.stringify(late.slice(0, 3))).toEqual([]);
    // Back without a restart of Defuse: the same process answers.
    expect(back.status).toBe(201);
    expect((await list()).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    expect(server.child.pid).toBe(pid);
    // The outage left no connection behind: at most the pool's ten and the LISTEN one came back.
    expect(databaseConnections(pid)).toBeGreaterThan(0);
    expect(databaseConnections(pid)).toBeLessThanOrEqual(11);
  }, 120_000);
});
