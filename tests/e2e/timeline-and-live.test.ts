import type { Bomb } from '@defuse/shared';
import type { WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fileBomb } from '../helpers/factories.ts';
import { boardForFile, DESK } from './support/board.ts';

const file = boardForFile();

describe('the bomb timeline and the live connection', () => {
  it('a lead follows the timeline live, comments, and declines with a reason to another department', async () => {
    const bomb = await fileBomb({ app: file.board.app }, file.ws.field, {
      title: 'Setup guide shows the old connector',
      category: 'shipping',
    });
    const { page, context } = await file.board.open(file.ws.lead, DESK);
    await page.goto(`${file.board.baseUrl}/bombs/${bomb.id}`);
    await page.locator('output.live-open').waitFor();
    await page.getByRole('heading', { name: /Setup guide shows the old connector/ }).waitFor();

    // The field contact adds information elsewhere: it arrives in the open timeline.
    await file.board.call(file.ws.field, 'POST', `/api/bombs/${bomb.id}/comments`, {
      body: 'Customer sent a photo of the box.',
    });
    await page.locator('.timeline').getByText('Customer sent a photo of the box.').waitFor();

    await page.getByLabel('コメント').fill('Checking with the warehouse now.');
    await page.getByRole('button', { name: '送信' }).click();
    await page.locator('.timeline').getByText('Checking with the warehouse now.').waitFor();

    await page.getByRole('button', { name: '辞退する' }).click();
    await page.getByLabel('辞退の理由').fill('This is the manual, not shipping.');
    await page.getByLabel('適切な部署(任意)').selectOption({ label: 'documentation' });
    await page.locator('form.panel').getByRole('button', { name: '辞退する' }).click();
    await page
      .locator('.timeline')
      .getByText(/This is the manual, not shipping\./)
      .waitFor();
    await file.board.screenshot(page, 'lead-bomb-timeline');

    const after = await file.board.call<{ bomb: Bomb }>(file.ws.pm, 'GET', `/api/bombs/${bomb.id}`);
    expect(after.bomb.departmentId).toBe(file.ws.departments.documentation);
    expect(after.bomb.bounces).toBe(1);
    await context.close();
  });

  it('after a dropped connection the page shows it, resumes from its last event, and misses nothing', async () => {
    const { page, context } = await file.board.open(file.ws.lead, DESK);
    const urls: string[] = [];
    let current: WebSocketRoute | undefined;
    let refuse = false;
    await page.routeWebSocket(/\/api\/live/, (route) => {
      urls.push(route.url());
      if (refuse) {
        void route.close({ code: 1006 });
        return;
      }
      route.connectToServer();
      current = route;
    });
    await page.goto(`${file.board.baseUrl}/queue`);
    await page.locator('output.live-open').waitFor();

    // The connection drops and stays down while a bomb is filed.
    refuse = true;
    await current?.close({ code: 1006 });
    await page.locator('output.live-reconnecting, output.live-polling').waitFor();
    await file.board.screenshot(page, 'live-reconnecting');
    const missed = await fileBomb({ app: file.board.app }, file.ws.field, {
      title: 'Filed while the lead was disconnected',
    });
    refuse = false;

    await page.getByTestId('queue-row').filter({ hasText: missed.title }).waitFor({ timeout: 20_000 });
    await page.locator('output.live-open').waitFor({ timeout: 20_000 });
    const resumed = urls.slice(1).find((u) => new URL(u).searchParams.has('after'));
    expect(resumed, `reconnect URLs: ${urls.join(', ')}`).toBeDefined();
    await context.close();
  });

  it('where websockets never get through, the page says so and stays current by polling', async () => {
    const { page, context } = await file.board.open(file.ws.lead, DESK);
    await page.routeWebSocket(/\/api\/live/, (route) => void route.close({ code: 1006 }));
    await page.goto(`${file.board.baseUrl}/queue`);
    await page.locator('output.live-polling').waitFor({ timeout: 20_000 });
    const bomb = await fileBomb({ app: file.board.app }, file.ws.field, { title: 'Seen through polling' });
    await page.getByTestId('queue-row').filter({ hasText: bomb.title }).waitFor({ timeout: 20_000 });
    expect(await page.locator('output.live-polling').textContent()).toContain('定期更新中');
    await context.close();
  });
});
