import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildApp, WEB_ROOT } from '@defuse/server/app';
import { SESSION_COOKIE } from '@defuse/server/auth/tokens';
import { type Clock, systemClock } from '@defuse/server/clock';
import type { Deps } from '@defuse/server/deps';
import { LocalSignal } from '@defuse/server/live/local-signal';
import type { IsolationSettings } from '@defuse/shared';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { TEST_ORIGIN } from '../../helpers/app.ts';
import { freshDatabase } from '../../helpers/db.ts';
import { type Actor, createWorkspace } from '../../helpers/factories.ts';

export const SCREENSHOTS = join(import.meta.dirname, '..', 'screenshots');
export const PHONE = { width: 375, height: 740 };
export const DESK = { width: 1280, height: 860 };

/** Short windows so ten server minutes make three unanswered bombs an isolation with reasons. */
export const SHORT_ISOLATION_SETTINGS: IsolationSettings = {
  silenceSeconds: 600,
  breadthWindowSeconds: 3600,
  trendWindowSeconds: 7 * 86_400,
  watchScore: 20,
  isolatedScore: 35,
  bounceLimit: 2,
  idleSeconds: 900,
  soloLongSeconds: 1800,
  loadHigh: 10_000,
  silentBombsHigh: 3,
  overdueBombsHigh: 10,
  breadthLow: 1,
  trendHigh: 10_000,
};

export interface Board {
  app: FastifyInstance;
  deps: Deps;
  baseUrl: string;
  browser: Browser;
  /** A browser context signed in as `actor` (its session cookie), or signed out. */
  open(
    actor: Actor | null,
    viewport?: { width: number; height: number },
  ): Promise<{ context: BrowserContext; page: Page }>;
  /** A request through the API as `actor`, for seeding and for checking what landed. */
  call<T>(
    actor: Actor,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<T>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real server (buildApp over a fresh database, serving the built web/dist) on port 0, and a
 * real Chromium. The system clock by default (the browser counts down against real time); a
 * manual clock started at the real time for scenarios that need time to pass on the server.
 */
export async function startBoard(options: { clock?: Clock } = {}): Promise<Board> {
  const database = await freshDatabase();
  const deps: Deps = {
    db: database.db,
    dbKind: database.kind,
    clock: options.clock ?? systemClock,
    signal: new LocalSignal(),
  };
  // The port is known only after listening on port 0; the auth plugin reads this list per
  // request, so the real origin is appended once the server listens.
  const publicOrigins = [TEST_ORIGIN];
  const app = await buildApp(deps, {
    config: { publicOrigins, secureCookies: false, trustProxy: undefined, logLevel: 'silent' },
    webRoot: WEB_ROOT,
    logger: false,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  publicOrigins.push(baseUrl);

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });

  return {
    app,
    deps,
    baseUrl,
    browser,
    async open(actor, viewport = DESK) {
      const context = await browser.newContext({ viewport, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
      if (actor) {
        await context.addCookies([
          { name: SESSION_COOKIE, value: actor.token, url: baseUrl, httpOnly: true, sameSite: 'Lax' },
        ]);
      }
      const page = await context.newPage();
      return { context, page };
    },
    async call<T>(actor: Actor, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
      const res = await app.inject({
        method,
        url,
        headers: actor.headers,
        ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
      });
      if (res.statusCode >= 400) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return (res.body === '' ? undefined : res.json()) as T;
    },
    async screenshot(page, name) {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await browser.close();
      await app.close();
      await database.drop();
    },
  };
}

export type Workspace = Awaited<ReturnType<typeof createWorkspace>>;

/**
 * One server, browser and workspace for a test file: started before its tests, closed after.
 * Read `file.board` and `file.ws` inside tests (they are set once `beforeAll` ran).
 */
export function boardForFile(options: { clock?: Clock } = {}): { board: Board; ws: Workspace } {
  const file = {} as { board: Board; ws: Workspace };
  beforeAll(async () => {
    file.board = await startBoard(options);
    file.ws = await createWorkspace({ deps: file.board.deps });
  });
  afterAll(async () => {
    await file.board?.close();
  });
  return file;
}
