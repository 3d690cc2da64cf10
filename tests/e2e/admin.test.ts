import type { RoutingTable } from '@defuse/shared';
import { describe, expect, it } from 'vitest';
import { boardForFile, DESK } from './support/board.ts';

const file = boardForFile();

describe('admin', () => {
  it('reorders routing rules (first match wins) and saves a department policy', async () => {
    const d = file.ws.departments;
    await file.board.call(file.ws.admin, 'PUT', '/api/routing', {
      rules: [
        { when: { categories: ['shipping'] }, departmentId: d.logistics },
        { when: { keywords: ['manual'] }, departmentId: d.documentation },
        { when: { categories: ['stock'] }, departmentId: d.production },
      ],
      fallbackDepartmentId: d.productOffice,
    });
    const { page, context } = await file.board.open(file.ws.admin, DESK);
    await page.goto(`${file.board.baseUrl}/admin?tab=routing`);
    await page.getByRole('button', { name: 'ルール 2: 上へ' }).click();
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('保存しました').waitFor();
    // What the page shows follows the new order too.
    expect(await page.getByLabel('キーワード(カンマ区切り)').nth(0).inputValue()).toBe('manual');
    expect(await page.getByLabel('キーワード(カンマ区切り)').nth(1).inputValue()).toBe('');
    await file.board.screenshot(page, 'admin-routing');
    const table = await file.board.call<RoutingTable>(file.ws.admin, 'GET', '/api/routing');
    expect(table.rules.map((r) => r.departmentId)).toEqual([d.documentation, d.logistics, d.production]);
    expect(table.rules[0]?.when.keywords).toEqual(['manual']);

    await page.getByRole('tab', { name: '部署ポリシー' }).click();
    await page.getByRole('combobox', { name: /^部署/ }).selectOption({ label: 'logistics' });
    // Durations are typed in a unit (shown in the largest whole one), not as raw seconds.
    const critical = page
      .locator('fieldset')
      .filter({ hasText: '受付期限' })
      .locator('.duration')
      .filter({ hasText: '緊急' });
    await critical.locator('input').fill('10');
    await critical.locator('select').selectOption('minutes');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('保存しました').waitFor();
    const policy = await file.board.call<{ claimWithinSeconds: { critical: number } }>(
      file.ws.admin,
      'GET',
      `/api/departments/${d.logistics}/policy`,
    );
    expect(policy.claimWithinSeconds.critical).toBe(600);

    for (const tab of ['メンバー', '部署', '製品', '孤立判定の設定', 'Webhook 配信ログ']) {
      await page.getByRole('tab', { name: tab, exact: true }).click();
      await page.locator('[role="tabpanel"] :is(table, form, p)').first().waitFor();
      expect(await page.locator('[role="tabpanel"] .error').count(), tab).toBe(0);
    }
    await context.close();
  });

  it('the server sends the board for client routes and leaves /api and /docs alone', async () => {
    const { context, page } = await file.board.open(file.ws.admin, DESK);
    const deep = await page.request.get(`${file.board.baseUrl}/bombs/00000000-0000-4000-8000-000000000000`);
    expect(deep.status()).toBe(200);
    expect(await deep.text()).toContain('<div id="root">');
    const missing = await page.request.get(`${file.board.baseUrl}/api/no-such-thing`);
    expect(missing.status()).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const docs = await page.request.get(`${file.board.baseUrl}/docs/json`);
    expect(docs.status()).toBe(200);
    expect(((await docs.json()) as { paths: Record<string, unknown> }).paths['/api/bombs']).toBeDefined();
    await context.close();
  });

  it('lists the audit trail (who, what, when) in the board’s language, with the CSV to download', async () => {
    const d = file.ws.departments;
    await file.board.call(file.ws.admin, 'PUT', '/api/settings/escalation', { bounceLimit: 4 });
    await file.board.call(file.ws.admin, 'PATCH', `/api/departments/${d.production}`, { name: 'Production East' });
    const { page, context } = await file.board.open(file.ws.admin, DESK);
    await page.goto(`${file.board.baseUrl}/admin?tab=audit`);
    const rows = page.locator('[role="tabpanel"] tbody tr');
    await rows.first().waitFor();
    // Newest first: the department rename, then the escalation settings.
    expect(await rows.nth(0).textContent()).toContain('部署「Production East」を変更しました (name)');
    expect(await rows.nth(1).textContent()).toContain('エスカレーション設定を変更しました (bounceLimit)');
    expect(await rows.nth(0).locator('td').nth(1).textContent()).toMatch(/^admin /);
    const csv = await page.request.get(
      `${file.board.baseUrl}${await page.getByRole('link', { name: 'CSV で書き出す' }).getAttribute('href')}`,
    );
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain('admin.department_updated');
    await file.board.screenshot(page, 'admin-audit');

    await page.getByRole('button', { name: /English/ }).click();
    await page.getByRole('tab', { name: 'Audit trail' }).waitFor();
    expect(await rows.nth(0).textContent()).toContain('Changed the department “Production East” (name)');
    await context.close();
  });
});
