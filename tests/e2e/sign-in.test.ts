import { buildApp, WEB_ROOT } from '@defuse/server/app';
import { LocalSignal } from '@defuse/server/live/local-signal';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ORIGIN } from '../helpers/app.ts';
import { launchChromium, screenshotPath } from '../helpers/browser.ts';
import { manualClock } from '../helpers/clock.ts';
import { freshDatabase } from '../helpers/db.ts';
import { createWorkspace, fileBomb, TEST_PASSWORD } from '../helpers/factories.ts';

let app: FastifyInstance;
let browser: Browser;
let url: string;
let close: () => Promise<void> = async () => {};
let ws: Awaited<ReturnType<typeof createWorkspace>>;

beforeAll(async () => {
  const database = await freshDatabase();
  const deps = { db: database.db, dbKind: database.kind, clock: manualClock(new Date()), signal: new LocalSignal() };
  // The origin list needs the port, which exists only after listening: listen on a probe first.
  const probe = await buildApp(deps, {
    config: { publicOrigins: [], secureCookies: false, trustProxy: undefined, logLevel: 'silent' },
    logger: false,
  });
  await probe.listen({ port: 0, host: '127.0.0.1' });
  const port = (probe.server.address() as { port: number }).port;
  await probe.close();
  url = `http://127.0.0.1:${port}`;
  app = await buildApp(deps, {
    config: { publicOrigins: [url, TEST_ORIGIN], secureCookies: false, trustProxy: undefined, logLevel: 'silent' },
    webRoot: WEB_ROOT,
    logger: false,
  });
  await app.listen({ port, host: '127.0.0.1' });
  ws = await createWorkspace({ deps });
  await fileBomb({ app }, ws.field, { title: '納期に届かなかった（北陸物産）' });
  browser = await launchChromium();
  close = async () => {
    await browser.close();
    await app.close();
    await database.drop();
  };
}, 120_000);
afterAll(() => close());

describe('the board in Chromium', () => {
  it('signs a field contact in and lists their bomb', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
    await page.goto(url);
    await page
      .getByLabel(/Email|メール/)
      .first()
      .fill(ws.field.email);
    await page
      .getByLabel(/Password|パスワード/)
      .first()
      .fill(TEST_PASSWORD);
    await page
      .getByRole('button', { name: /Sign in|サインイン/ })
      .first()
      .click();
    const item = page.getByText('納期に届かなかった（北陸物産）').first();
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await item.isVisible()).toBe(true);
    await page.screenshot({ path: screenshotPath('sign-in-list'), fullPage: true });
  });
});
