import { drainIsolation } from '@defuse/server/commands/refresh-isolation';
import type { DashboardResponse, IsolationSettings } from '@defuse/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ManualClock, manualClock, minutes } from '../helpers/clock.ts';
import { createWorkspace, fileBomb, insertOpenBombs } from '../helpers/factories.ts';
import { type Board, DESK, SHORT_ISOLATION_SETTINGS, startBoard } from './support/board.ts';

const PHONE_390 = { width: 390, height: 844 };
const LONG_TITLE = `Serial${'X'.repeat(180)}`;

let board: Board;
let clock: ManualClock;
let ws: Awaited<ReturnType<typeof createWorkspace>>;
/** What the server says the pm may see: the board must show exactly these. */
let openTotal = 0;
const escalatedKeys: string[] = [];
let logisticsKeys: string[] = [];

type ListPage = { items: { key: string }[]; nextCursor: string | null; total?: number };

async function everyKey(url: string): Promise<{ keys: string[]; total: number | undefined }> {
  const keys: string[] = [];
  let total: number | undefined;
  let cursor: string | null = null;
  do {
    const page: ListPage = await board.call<ListPage>(
      ws.pm,
      'GET',
      `${url}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    total ??= page.total;
    keys.push(...page.items.map((b) => b.key));
    cursor = page.nextCursor;
  } while (cursor);
  return { keys, total };
}

beforeAll(async () => {
  clock = manualClock(new Date());
  board = await startBoard({ clock });
  ws = await createWorkspace({ deps: board.deps });
  await board.call(ws.admin, 'PUT', '/api/settings/isolation', SHORT_ISOLATION_SETTINGS);
  const d = ws.departments;
  // A thousand open bombs in logistics, sixty of them escalated, and a few elsewhere.
  await insertOpenBombs({ deps: board.deps }, 940, { filedById: ws.otherField.id, departmentId: d.logistics });
  await insertOpenBombs({ deps: board.deps }, 60, {
    filedById: ws.otherField.id,
    departmentId: d.logistics,
    category: 'stock',
    tier: 2,
  });
  await insertOpenBombs({ deps: board.deps }, 20, {
    filedById: ws.otherField.id,
    departmentId: d.documentation,
    category: 'manual',
  });
  await insertOpenBombs({ deps: board.deps }, 1, {
    filedById: ws.pm.id,
    departmentId: d.documentation,
    category: 'manual',
    title: () => LONG_TITLE,
  });
  // A field contact nobody answers: an isolation with reasons that name its bombs.
  for (const [i, category] of (['shipping', 'manual', 'stock'] as const).entries())
    await fileBomb({ app: board.app }, ws.field, { title: `Unanswered ${i + 1}`, category });
  clock.advance(minutes(10));
  await drainIsolation(board.deps);

  openTotal = (await everyKey('/api/bombs?status=open,claimed,waiting')).total ?? 0;
  let cursor: string | null = null;
  do {
    const page: DashboardResponse = await board.call<DashboardResponse>(
      ws.pm,
      'GET',
      `/api/dashboard${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    escalatedKeys.push(...page.escalations.items.map((b) => b.key));
    cursor = page.escalations.nextCursor;
  } while (cursor);
  logisticsKeys = (await everyKey(`/api/bombs?status=open,claimed,waiting&sort=claimDue&departmentId=${d.logistics}`))
    .keys;
});
afterAll(async () => {
  await board?.close();
});

/**
 * A board this device set to English (as the language button leaves it), for an account whose
 * own language stays Japanese: the board's language must win.
 */
async function englishBoard(actor: typeof ws.pm) {
  const opened = await board.open(actor, DESK);
  await opened.context.addInitScript(() => localStorage.setItem('defuse.locale', 'en'));
  return opened;
}

/** Switch the board to English the way a person does: the language button in the top bar. */
async function toEnglish(page: Page) {
  await page.getByRole('button', { name: /English/ }).click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
}

async function showAll(page: Page, button: string) {
  const more = page.getByRole('button', { name: button, exact: true });
  for (let i = 0; i < 20 && (await more.count()) > 0; i++) {
    await more.first().click({ timeout: 60_000 });
    // The next page is in once the button is back (enabled) or gone.
    await page.waitForFunction(
      (label) => ![...document.querySelectorAll('button')].some((b) => b.textContent === label && b.disabled),
      button,
      { timeout: 60_000 },
    );
  }
}

describe('the PM dashboard and lists hold at real size', () => {
  it('heatmap sums to every open bomb, escalations page to the last, reasons in English, no score', async () => {
    expect(openTotal).toBe(1024);
    expect(escalatedKeys).toHaveLength(60);
    const pm = await englishBoard(ws.pm);
    await pm.page.goto(`${board.baseUrl}/dashboard`);
    await pm.page.getByText('A workload signal, not a performance rating').waitFor();

    const cells = pm.page.locator('table.heatmap td[data-open]');
    await expect
      .poll(async () =>
        (await cells.evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-open'))))).reduce(
          (a, b) => a + b,
          0,
        ),
      )
      .toBe(openTotal);
    const rows = await pm.page.getByTestId('heat-row').locator('th').allTextContents();
    expect(rows).toEqual(expect.arrayContaining(['logistics', 'documentation']));

    // Every escalated bomb, through "Show more".
    const escalations = pm.page.getByTestId('escalation');
    await escalations.first().waitFor();
    await showAll(pm.page, 'Show more');
    await expect.poll(() => escalations.count()).toBe(escalatedKeys.length);
    expect((await escalations.evaluateAll((li) => li.map((x) => x.getAttribute('data-bomb-key')))).sort()).toEqual(
      [...escalatedKeys].sort(),
    );

    // The pm's account is Japanese; the English board reads English reasons, chips by key.
    const { person: field } = await board.call<{ person: { name: string } }>(ws.field, 'GET', '/api/me');
    const person = pm.page.getByTestId('isolation-person').filter({ hasText: field.name });
    await person.locator('.reasons li').filter({ hasText: 'nobody has answered' }).waitFor();
    expect(await person.textContent()).not.toMatch(/誰も反応/);
    const { person: account } = await board.call<{ person: { locale: string } }>(ws.pm, 'GET', '/api/me');
    expect(account.locale).toBe('ja');
    const chips = await person.locator('a.chip').allTextContents();
    expect(chips.length).toBeGreaterThan(0);
    for (const chip of chips) expect(chip).toMatch(/^[A-Z]+-\d+$/);
    // No score number anywhere on the page.
    const text = (await pm.page.locator('main').textContent()) ?? '';
    expect(text).not.toMatch(/Score|スコア/);
    await board.screenshot(pm.page, 'pm-dashboard-at-size');

    // Drill-down: the logistics × stock cell opens the queue filtered to that cell.
    await pm.page
      .getByTestId('heat-row')
      .filter({ hasText: 'logistics' })
      .getByRole('link', { name: /^Stock in logistics/ })
      .click();
    await pm.page.waitForURL(/\/queue\?department=.+&category=stock/);
    await pm.page.getByTestId('list-shown').filter({ hasText: 'Showing 60 of 60' }).waitFor();
    await pm.context.close();
  }, 240_000);

  it('the queue reaches the last bomb of a thousand, with its total; the pm can see every department', async () => {
    const pm = await englishBoard(ws.pm);
    await pm.page.goto(`${board.baseUrl}/queue?department=${ws.departments.logistics}`);
    const shown = pm.page.getByTestId('list-shown');
    await shown.filter({ hasText: `Showing 200 of ${logisticsKeys.length.toLocaleString('en')}` }).waitFor();
    await showAll(pm.page, 'Show more');
    const rows = pm.page.getByTestId('queue-row');
    await expect.poll(() => rows.count()).toBe(logisticsKeys.length);
    expect(await rows.last().getAttribute('data-bomb-key')).toBe(logisticsKeys.at(-1));

    await pm.page.locator('.toolbar select').selectOption({ label: 'All departments' });
    await shown.filter({ hasText: `of ${openTotal.toLocaleString('en')}` }).waitFor();
    await pm.context.close();
  }, 240_000);

  it('at 390 px no page scrolls sideways and every destination is in reach', async () => {
    const checks: [typeof ws.pm, string][] = [
      [ws.pm, '/dashboard'],
      [ws.pm, '/queue'],
      [ws.pm, '/mine'],
      [ws.pm, '/signals'],
      [
        ws.pm,
        `/bombs/${(await board.call<ListPage & { items: { id: string; key: string }[] }>(ws.pm, 'GET', `/api/bombs?filedById=${ws.pm.id}`)).items[0]?.id}`,
      ],
      [ws.lead, '/dashboard'],
      [ws.field, '/signals'],
      [ws.admin, '/admin?tab=policies'],
      [ws.admin, '/admin?tab=isolation'],
    ];
    for (const [actor, path] of checks) {
      const { context, page } = await board.open(actor, PHONE_390);
      await page.goto(`${board.baseUrl}${path}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      const { scroll, client } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      expect(scroll, `${path} scrolls sideways`).toBeLessThanOrEqual(client);
      // The phone navigation shows "My signals" inside the screen, not cut off.
      const signals = await page.getByRole('navigation').getByRole('link', { name: '自分のシグナル' }).boundingBox();
      expect(signals && signals.x >= 0 && signals.x + signals.width <= client, `${path}: My signals cut off`).toBe(
        true,
      );
      if (path === '/mine') {
        await page.getByText(LONG_TITLE.slice(0, 20)).first().waitFor();
        await board.screenshot(page, 'pm-my-bombs-390');
      }
      if (path === '/dashboard' && actor === ws.pm) await board.screenshot(page, 'pm-dashboard-390');
      await context.close();
    }
  }, 240_000);

  it('admin durations show in days and hours, and a negative one is refused, not saved as positive', async () => {
    const { context, page } = await board.open(ws.admin, DESK);
    await page.goto(`${board.baseUrl}/admin?tab=isolation`);
    await toEnglish(page);
    const trend = page.locator('.duration').filter({ hasText: 'Trend window' });
    await trend.waitFor();
    expect(await trend.locator('input').inputValue()).toBe('7');
    expect(await trend.locator('select').inputValue()).toBe('days');

    const silence = page.locator('.duration').filter({ hasText: 'Silence after' });
    await silence.locator('input').fill('-5');
    await silence.getByRole('alert').waitFor();
    expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);

    await silence.locator('input').fill('2');
    await silence.locator('select').selectOption('hours');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved').waitFor();
    const saved = await board.call<IsolationSettings>(ws.admin, 'GET', '/api/settings/isolation');
    expect(saved.silenceSeconds).toBe(7200);
    await context.close();
  });
});
