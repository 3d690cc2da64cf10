import type { ApiToken } from '@defuse/shared';
import { describe, expect, it } from 'vitest';
import { boardForFile, DESK } from './support/board.ts';

const file = boardForFile();

describe('the API token page', () => {
  it('is reached from the navigation, creates a token shown once, and revokes it', async () => {
    const member = file.ws.member;
    await file.board.call(member, 'POST', '/api/tokens', { name: 'nightly export', expiresInDays: 30 });
    const { page, context } = await file.board.open(member, DESK);
    await page.goto(`${file.board.baseUrl}/queue`);
    await page.getByRole('link', { name: 'APIトークン' }).click();
    await page.getByRole('heading', { name: 'APIトークン', level: 1 }).waitFor();
    const existing = page.getByRole('row').filter({ hasText: 'nightly export' });
    await existing.waitFor();
    expect(await existing.getByRole('cell').nth(2).textContent()).toBe('未使用');

    await page.getByLabel('名前').fill('ci deploy');
    await page.getByRole('button', { name: '作成する' }).click();
    const secret = page.getByLabel('新しいトークン「ci deploy」');
    await secret.waitFor();
    const token = await secret.inputValue();
    expect(token).toMatch(/^dfs_[A-Za-z0-9_-]{43}$/);
    await page.getByText('このトークンは二度と表示されません').waitFor();
    await page.getByRole('row').filter({ hasText: 'ci deploy' }).waitFor();
    // The secret works, and the list never carries it.
    const me = await page.request.get(`${file.board.baseUrl}/api/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.status()).toBe(200);
    await file.board.screenshot(page, 'api-tokens');

    // Leaving the page forgets the secret: only the server's list comes back.
    await page.reload();
    await page.getByRole('row').filter({ hasText: 'ci deploy' }).waitFor();
    expect(await page.getByLabel('新しいトークン「ci deploy」').count()).toBe(0);
    expect(await page.content()).not.toContain(token);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'トークン「ci deploy」を取り消す' }).click();
    await page.getByRole('row').filter({ hasText: 'ci deploy' }).waitFor({ state: 'detached' });
    const after = await page.request.get(`${file.board.baseUrl}/api/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.status()).toBe(401);
    const left = await file.board.call<{ items: ApiToken[] }>(member, 'GET', '/api/tokens');
    expect(left.items.map((i) => i.name)).toEqual(['nightly export']);

    // In English once the board's language is.
    await page.getByRole('button', { name: /English/ }).click();
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Revoke the token "nightly export"' }).waitFor();
    await context.close();
  });
});
