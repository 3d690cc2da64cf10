import type { Bomb } from '@defuse/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProduct, TEST_PASSWORD } from '../helpers/factories.ts';
import { boardForFile, DESK, PHONE } from './support/board.ts';

const file = boardForFile();

beforeAll(async () => {
  await createProduct({ deps: file.board.deps }, 'aqua-one');
});

describe('a field contact files a bomb, a lead claims it, both pages follow live', () => {
  it('files on a 375 px phone, appears in the lead queue without reload, the claim reaches the phone', async () => {
    const title = 'Pilot shipment stuck at customs';
    const field = await file.board.open(null, PHONE);
    const lead = await file.board.open(file.ws.lead, DESK);

    // The field contact signs in through the form and lands on the filing page.
    await field.page.goto(file.board.baseUrl);
    await field.page.getByLabel('メールアドレス').fill(file.ws.field.email);
    await field.page.getByLabel('パスワード').fill(TEST_PASSWORD);
    await field.page.getByRole('button', { name: 'サインイン' }).click();
    await field.page.getByRole('heading', { name: '困りごとを報告' }).waitFor();

    // The lead has the queue open before the bomb exists: it must arrive without a reload.
    await lead.page.goto(`${file.board.baseUrl}/queue`);
    await lead.page.getByText('対応待ちの案件はありません').waitFor();
    await lead.page.evaluate(() => Object.assign(window, { __noReload: true }));

    await field.page.getByText('配送', { exact: true }).click();
    await field.page.getByText('高', { exact: true }).click();
    await field.page.getByLabel('件名').fill(title);
    await field.page.getByLabel('製品').selectOption({ label: 'aqua-one' });
    await field.page.getByLabel('顧客').fill('Kobe Clinic');
    await field.page.getByLabel('詳細').fill('Held at customs since Monday; the pilot starts Friday.');
    await file.board.screenshot(field.page, 'field-file-form-375');
    await field.page.getByRole('button', { name: '報告する', exact: true }).click();

    const card = field.page.getByTestId('my-bomb').filter({ hasText: title });
    await card.waitFor();
    expect(await card.getByTestId('owner').textContent()).toContain('logistics の受付待ち');
    await field.page.evaluate(() => Object.assign(window, { __noReload: true }));
    await file.board.screenshot(field.page, 'field-my-bombs-375');

    // The phone's layout fits the width: nothing scrolls sideways.
    const overflow = await field.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    const row = lead.page.getByTestId('queue-row').filter({ hasText: title });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.locator('[data-risk]').getAttribute('data-risk')).toBe('calm');
    await file.board.screenshot(lead.page, 'lead-queue-before-claim');
    await row.getByRole('button', { name: /担当する/ }).click();
    await row.getByText('対応中').waitFor();
    expect(await lead.page.evaluate(() => '__noReload' in window)).toBe(true);
    await file.board.screenshot(lead.page, 'lead-queue-claimed');

    // The field contact's page shows who owns it now, without a reload.
    await card.getByText('対応中').waitFor({ timeout: 15_000 });
    const owner = await card.getByTestId('owner').textContent();
    const { person: leadPerson } = await file.board.call<{ person: { name: string } }>(file.ws.lead, 'GET', '/api/me');
    expect(owner).toContain(leadPerson.name);
    expect(await field.page.evaluate(() => '__noReload' in window)).toBe(true);
    await file.board.screenshot(field.page, 'field-sees-claim-375');

    const { items } = await file.board.call<{ items: Bomb[] }>(
      file.ws.field,
      'GET',
      `/api/bombs?filedById=${file.ws.field.id}`,
    );
    expect(items.filter((b) => b.title === title)).toHaveLength(1);
    const filed = items[0];
    expect(filed?.assigneeId).toBe(file.ws.lead.id);

    // The lead resolves it elsewhere; the field contact sees it and confirms the resolution.
    await file.board.call(file.ws.lead, 'POST', `/api/bombs/${filed?.id}/transition`, {
      to: 'resolved',
      rootCause: 'shipping_operations',
    });
    await card.getByText('解決済み').waitFor({ timeout: 15_000 });
    await card.getByRole('button', { name: '解決を確認して完了' }).click();
    await card.waitFor({ state: 'detached', timeout: 15_000 });
    const closed = await file.board.call<{ bomb: Bomb }>(file.ws.field, 'GET', `/api/bombs/${filed?.id}`);
    expect(closed.bomb.status).toBe('closed');

    await field.context.close();
    await lead.context.close();
  });
});
