import { drainNotifications } from '@defuse/server/commands/project-notifications';
import { describe, expect, it } from 'vitest';
import { fileBomb } from '../helpers/factories.ts';
import { boardForFile, DESK, PHONE } from './support/board.ts';

const file = boardForFile();
const project = () => drainNotifications(file.board.deps, { email: false });

describe('the inbox', () => {
  it('a lead with the board open gets the item live; two tabs agree on the unread count', async () => {
    const { page, context } = await file.board.open(file.ws.lead, DESK);
    await page.goto(`${file.board.baseUrl}/queue`);
    await page.locator('output.live-open').waitFor();
    const inboxTab = await context.newPage();
    await inboxTab.goto(`${file.board.baseUrl}/inbox`);
    await inboxTab.locator('output.live-open').waitFor();

    const bomb = await fileBomb({ app: file.board.app }, file.ws.field, {
      title: 'Pallet went to the wrong warehouse',
    });
    await project();

    // Live, without a reload: the bell on one tab, the item on the other.
    await page.getByTestId('unread-count').filter({ hasText: '1' }).waitFor();
    await inboxTab.getByRole('link', { name: `${bomb.key} があなたの部署に届きました` }).waitFor();
    await inboxTab.getByRole('heading', { name: bomb.key }).waitFor();
    await file.board.screenshot(inboxTab, 'inbox-lead');

    await inboxTab.getByRole('button', { name: 'すべて既読にする' }).click();
    await inboxTab.getByTestId('unread-count').waitFor({ state: 'detached' });
    // The other tab hears it too.
    await page.getByTestId('unread-count').waitFor({ state: 'detached' });

    await inboxTab.getByRole('link', { name: `${bomb.key} があなたの部署に届きました` }).click();
    await inboxTab.getByRole('heading', { name: /Pallet went to the wrong warehouse/ }).waitFor();
    await context.close();
  });

  it('on a phone the bell is in the header, and the preferences page saves', async () => {
    await fileBomb({ app: file.board.app }, file.ws.field, { title: 'Second shipment late' });
    await project();
    const { page, context } = await file.board.open(file.ws.member, PHONE);
    await page.goto(`${file.board.baseUrl}/file`);
    await page.getByRole('link', { name: /お知らせ（未読 \d+ 件）/ }).click();
    await page.getByRole('link', { name: '通知の設定' }).click();
    await page.getByLabel('コメント: メール').check();
    await page.getByLabel('その他のお知らせのまとめメール').selectOption('hourly');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('保存しました').waitFor();
    await file.board.screenshot(page, 'notification-preferences-phone');
    const saved = await file.board.call<{ email: { kinds: string[]; digest: string } }>(
      file.ws.member,
      'GET',
      '/api/me/notifications',
    );
    expect(saved.email.kinds).toContain('commented');
    expect(saved.email.digest).toBe('hourly');
    await context.close();
  });
});
