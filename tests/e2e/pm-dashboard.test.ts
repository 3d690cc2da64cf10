import { drainIsolation, refreshPerson } from '@defuse/server/commands/refresh-isolation';
import { appendEvents } from '@defuse/server/queries/events';
import { getIsolationSettings } from '@defuse/server/queries/isolation';
import type { Bomb } from '@defuse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ManualClock, manualClock, minutes } from '../helpers/clock.ts';
import { type Actor, createActor, createProduct, createWorkspace, fileBomb } from '../helpers/factories.ts';
import { type Board, DESK, PHONE, SHORT_ISOLATION_SETTINGS, startBoard } from './support/board.ts';

let board: Board;
let clock: ManualClock;
let ws: Awaited<ReturnType<typeof createWorkspace>>;

beforeAll(async () => {
  // Server time starts at the real time so the browser's countdowns read sensibly.
  clock = manualClock(new Date());
  board = await startBoard({ clock });
  ws = await createWorkspace({ deps: board.deps });
  await board.call(ws.admin, 'PUT', '/api/settings/isolation', SHORT_ISOLATION_SETTINGS);
});
afterAll(async () => {
  await board?.close();
});

describe('the PM dashboard shows who is isolated, why, and lets the PM act', () => {
  it('an isolated field contact appears live with reasons linking to the bombs; a buddy is one action', async () => {
    const titles = ['Parcel lost on the way to Osaka', 'Manual skips the pairing step', 'Pilot units out of stock'];
    const filed: Bomb[] = [];
    for (const [i, title] of titles.entries()) {
      filed.push(
        await fileBomb({ app: board.app }, ws.field, {
          title,
          category: (['shipping', 'manual', 'stock'] as const)[i],
        }),
      );
    }
    await drainIsolation(board.deps);

    const pm = await board.open(ws.pm, DESK);
    await pm.page.goto(`${board.baseUrl}/dashboard`);
    await pm.page.locator('output.live-open').waitFor();
    const { person: field } = await board.call<{ person: { name: string } }>(ws.field, 'GET', '/api/me');
    const row = pm.page.getByTestId('isolation-person').filter({ hasText: field.name });
    await row.waitFor();
    expect(await row.getAttribute('data-state')).not.toBe('isolated');

    // Ten minutes pass on the server with nobody answering: the projector flags the person and
    // the dashboard follows the person.isolation_changed event without a reload.
    clock.advance(minutes(10));
    await drainIsolation(board.deps);
    await pm.page
      .locator('[data-testid="isolation-person"][data-state="isolated"]')
      .filter({ hasText: field.name })
      .waitFor({ timeout: 15_000 });
    const reasons = row.locator('.reasons li');
    expect(await reasons.count()).toBeGreaterThan(0);
    const silence = reasons.filter({ hasText: '誰も反応していません' });
    await silence.waitFor();
    const chips = silence.locator('a.chip');
    expect(await chips.count()).toBe(3);
    expect((await chips.allTextContents()).sort()).toEqual(filed.map((b) => b.key).sort());
    await board.screenshot(pm.page, 'pm-dashboard-isolated');

    // One action: pick a buddy, assign.
    const { person: member } = await board.call<{ person: { name: string } }>(ws.member, 'GET', '/api/me');
    await row.getByRole('combobox').selectOption({ label: member.name });
    await row.getByRole('button', { name: 'バディを割り当て' }).click();
    await row.getByText('バディを割り当てました').waitFor();
    const detail = await board.call<{ bomb: Bomb }>(ws.pm, 'GET', `/api/bombs/${filed[0]?.id}`);
    expect(detail.bomb.helperIds).toContain(ws.member.id);

    // A reason links to its bomb.
    await chips.first().click();
    await pm.page.locator('.bomb-page').waitFor();
    expect(pm.page.url()).toMatch(/\/bombs\/[0-9a-f-]{36}$/);
    await pm.context.close();

    // The person sees their own signals, worded as support.
    const own = await board.open(ws.field, PHONE);
    await own.page.goto(`${board.baseUrl}/signals`);
    await own.page.getByText('あなたが一人で抱え込まないための目安です').waitFor();
    await own.page.locator('.support').waitFor();
    await board.screenshot(own.page, 'field-my-signals-375');
    await own.context.close();
  });

  it('product feedback shows the recurring root causes as a chart, the ownership times and the CSV export', async () => {
    const productId = await createProduct({ deps: board.deps }, 'aqua-two');
    const keys: string[] = [];
    for (const title of ['Pairing step missing', 'Reset procedure unclear', 'Battery warning not explained']) {
      const bomb = await fileBomb({ app: board.app }, ws.field, { title, category: 'manual', productId });
      await board.call(ws.docsMember, 'POST', `/api/bombs/${bomb.id}/claim`);
      clock.advance(minutes(30));
      await board.call(ws.docsMember, 'POST', `/api/bombs/${bomb.id}/transition`, {
        to: 'resolved',
        rootCause: 'manual_unclear',
      });
      keys.push(bomb.key);
    }
    // The PM looks a little later (the feedback window ends before "now").
    clock.advance(minutes(1));
    const pm = await board.open(ws.pm, DESK);
    await pm.page.goto(`${board.baseUrl}/dashboard`);
    await pm.page.getByRole('link', { name: 'aqua-two' }).click();
    await pm.page.getByRole('heading', { name: 'aqua-two のフィードバック' }).waitFor();
    const bar = pm.page.locator('.bars li').filter({ hasText: '取説が不明瞭' });
    await bar.waitFor();
    expect(await bar.textContent()).toContain('3 件');
    expect((await bar.locator('a.chip').allTextContents()).sort()).toEqual([...keys].sort());
    await pm.page.locator('table').filter({ hasText: 'documentation' }).waitFor();
    await board.screenshot(pm.page, 'pm-product-feedback');

    const href = await pm.page.getByRole('link', { name: 'CSV を書き出す', exact: true }).getAttribute('href');
    const csv = await pm.page.request.get(`${board.baseUrl}${href}`);
    expect(csv.status()).toBe(200);
    const body = await csv.text();
    expect(body.charCodeAt(0)).toBe(0xfeff);
    expect(body).toContain('manual_unclear');
    await pm.context.close();
  });

  it('a long list comes 200 people at a time, the rest on request, under a workload-signal notice', async () => {
    // 201 more people with a stored assessment, as the projector leaves everyone it has seen.
    const extra: Actor[] = [];
    for (let i = 0; i < 201; i++) extra.push(await createActor({ deps: board.deps }, 'field'));
    const settings = await getIsolationSettings(board.deps.db);
    await board.deps.db.transaction(async (tx) => {
      const changes = [];
      for (const person of extra) {
        const change = await refreshPerson(tx, person.id, settings, clock.now());
        if (change) changes.push(change);
      }
      await appendEvents(tx, changes);
    });
    const everyone = await board.call<{ people: unknown[]; nextCursor: string | null }>(ws.pm, 'GET', '/api/isolation');
    expect(everyone.people).toHaveLength(200);
    const rest = await board.call<{ people: unknown[] }>(ws.pm, 'GET', `/api/isolation?cursor=${everyone.nextCursor}`);
    expect(rest.people.length).toBeGreaterThan(0);

    const pm = await board.open(ws.pm, DESK);
    await pm.page.goto(`${board.baseUrl}/dashboard`);
    await pm.page.getByText('業務負荷のシグナルであり、人事評価ではありません').waitFor();
    const rows = pm.page.getByTestId('isolation-person');
    await rows.nth(199).waitFor();
    expect(await rows.count()).toBe(200);
    await pm.page.getByRole('button', { name: 'さらに表示' }).click();
    await rows.nth(200 + rest.people.length - 1).waitFor();
    expect(await rows.count()).toBe(200 + rest.people.length);
    await expect.poll(() => pm.page.getByRole('button', { name: 'さらに表示' }).count()).toBe(0);
    await pm.context.close();
  });
});
