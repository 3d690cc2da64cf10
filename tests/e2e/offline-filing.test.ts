import type { Bomb } from '@defuse/shared';
import { describe, expect, it } from 'vitest';
import { boardForFile, PHONE } from './support/board.ts';

const file = boardForFile();

const bombsTitled = async (title: string) => {
  const { items } = await file.board.call<{ items: Bomb[] }>(file.ws.pm, 'GET', `/api/bombs?limit=200`);
  return items.filter((b) => b.title === title);
};

async function fileFromPhone(page: import('playwright-core').Page, title: string) {
  await page.getByText('取説', { exact: true }).click();
  await page.getByLabel('件名').fill(title);
  await page.getByRole('button', { name: '報告する', exact: true }).click();
}

describe('offline filing: kept on the device, sent until it lands, exactly once', () => {
  it('a filing made with the network cut is shown as pending and lands once when the network returns', async () => {
    const title = 'Manual page 12 contradicts the label';
    const { context, page } = await file.board.open(file.ws.field, PHONE);
    await page.goto(`${file.board.baseUrl}/file`);
    await page.locator('output.live-open').waitFor();

    await context.setOffline(true);
    await page.locator('output.live-offline').waitFor();
    await fileFromPhone(page, title);
    const draft = page.getByTestId('outbox-draft').filter({ hasText: title });
    await draft.waitFor();
    await draft.getByText('送信待ち').first().waitFor();
    await file.board.screenshot(page, 'offline-pending-375');
    expect(await bombsTitled(title)).toHaveLength(0);

    await context.setOffline(false);
    await draft.waitFor({ state: 'detached', timeout: 20_000 });
    await page.getByTestId('my-bomb').filter({ hasText: title }).waitFor();
    await file.board.screenshot(page, 'offline-landed-375');
    expect(await bombsTitled(title)).toHaveLength(1);
    await context.close();
  });

  it('a draft left on the device when the page closed is sent by the next page, once', async () => {
    const title = 'Stock count for the pilot is short by 40';
    const { context, page } = await file.board.open(file.ws.field, PHONE);
    await page.goto(`${file.board.baseUrl}/file`);
    await page.locator('output.live-open').waitFor();
    await context.setOffline(true);
    await fileFromPhone(page, title);
    await page.getByTestId('outbox-draft').filter({ hasText: title }).waitFor();
    await page.close();
    await context.setOffline(false);
    expect(await bombsTitled(title)).toHaveLength(0);

    const next = await context.newPage();
    await next.goto(`${file.board.baseUrl}/mine`);
    await next.getByTestId('my-bomb').filter({ hasText: title }).waitFor({ timeout: 20_000 });
    expect(await next.getByTestId('outbox-draft').count()).toBe(0);
    expect(await bombsTitled(title)).toHaveLength(1);
    await context.close();
  });

  it('when the answer to a filing is lost, the resend with the same Idempotency-Key does not file it twice', async () => {
    const title = 'Expectation: customer thought it was automatic';
    const { context, page } = await file.board.open(file.ws.field, PHONE);
    const keys: string[] = [];
    let cut = true;
    await page.route('**/api/bombs', async (route) => {
      const request = route.request();
      if (request.method() !== 'POST') return route.continue();
      keys.push((await request.headerValue('idempotency-key')) ?? '');
      if (cut) {
        cut = false;
        // The server files the bomb, but the phone never hears back.
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await page.goto(`${file.board.baseUrl}/file`);
    await fileFromPhone(page, title);
    await page.getByTestId('my-bomb').filter({ hasText: title }).waitFor({ timeout: 20_000 });
    await page.getByTestId('outbox-draft').waitFor({ state: 'detached', timeout: 20_000 });
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys).size).toBe(1);
    expect(await bombsTitled(title)).toHaveLength(1);
    await context.close();
  });
});
