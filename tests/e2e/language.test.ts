import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hours, manualClock } from '../helpers/clock.ts';
import { createProduct, createWorkspace, fileBomb } from '../helpers/factories.ts';
import { type Board, DESK, startBoard } from './support/board.ts';

let board: Board;
let ws: Awaited<ReturnType<typeof createWorkspace>>;
let bombId = '';
const data: string[] = ['Defuse'];

beforeAll(async () => {
  // Filed two hours ago on the server, so relative times read the same across the switches.
  const clock = manualClock(new Date());
  clock.advance(-hours(2));
  board = await startBoard({ clock });
  ws = await createWorkspace({ deps: board.deps });
  const productId = await createProduct({ deps: board.deps }, 'aqua-one');
  const bomb = await fileBomb({ app: board.app }, ws.field, {
    title: 'Pallet crushed in transit',
    customer: 'Kobe Clinic',
    productId,
    description: 'Photos attached in the CRM.',
  });
  clock.advance(hours(2));
  bombId = bomb.id;
  const people = await board.call<{ items: { name: string }[] }>(ws.admin, 'GET', '/api/people');
  const departments = await board.call<{ items: { name: string }[] }>(ws.admin, 'GET', '/api/departments');
  data.push(bomb.key, bomb.title, 'Kobe Clinic', 'aqua-one', 'Photos attached in the CRM.');
  data.push(...people.items.map((p) => p.name), ...departments.items.map((d) => d.name));
});
afterAll(async () => {
  await board?.close();
});

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]/;

/** The visible text, line by line, without the language toggle (it names the other language). */
async function visibleLines(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => {
    const toggle = document.querySelector<HTMLElement>('button[lang]');
    const hidden = toggle?.style.visibility;
    if (toggle) toggle.style.visibility = 'hidden';
    // innerText on purpose: only what is rendered visibly, which is what a person reads.
    // biome-ignore lint/performance/useDomNodeTextContent: visible text is the point here
    const out = document.body.innerText;
    if (toggle) toggle.style.visibility = hidden ?? '';
    return out;
  });
  return text
    .split(/[\n\t]/)
    .map((l) => l.trim())
    .filter(Boolean);
}

const isData = (line: string) =>
  /^[\d\s.,:·—–\-()%/]*$/.test(line) ||
  data.some((d) => line === d || line.startsWith(`${d} `) || line.endsWith(` ${d}`));
/** Numbers and durations blanked: a countdown may tick from "22時間" to "21時間59分" between two reads. */
const normalized = (lines: string[]) =>
  lines.map((l) => l.replace(/\d+\s*(日|時間|分|秒|d|h|m|s)?/g, '#').replace(/#(\s*#)+/g, '#'));

async function settle(page: Page, path: string) {
  await page.goto(`${board.baseUrl}${path}`);
  await page.locator('main h1').first().waitFor();
  await page.waitForLoadState('networkidle');
}

describe('Japanese and English, switchable at any time and remembered', () => {
  it('switching to English and back to Japanese changes every visible label', async () => {
    const { context, page } = await board.open(ws.lead, DESK);
    const paths = ['/queue', `/bombs/${bombId}`, '/file', '/mine', '/signals', '/dashboard'];
    for (const path of paths) {
      await settle(page, path);
      const ja = await visibleLines(page);
      expect(
        ja.some((l) => JAPANESE.test(l)),
        `${path} starts in Japanese`,
      ).toBe(true);

      await page.getByRole('button', { name: /English/ }).click();
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      const en = await visibleLines(page);
      expect(
        en.filter((l) => JAPANESE.test(l)),
        `${path} has Japanese left in English`,
      ).toEqual([]);
      // Anything that reads the same in both languages must be data (titles, names, keys), not a label.
      const unchanged = en.filter((l) => ja.includes(l) && !isData(l));
      expect(unchanged, `${path} labels that did not change`).toEqual([]);
      if (path === '/queue') await board.screenshot(page, 'language-en-queue');

      await page.getByRole('button', { name: /日本語/ }).click();
      await page.waitForFunction(() => document.documentElement.lang === 'ja');
      expect(normalized(await visibleLines(page)), `${path} back in Japanese`).toEqual(normalized(ja));
      if (path === '/queue') await board.screenshot(page, 'language-ja-queue');
    }
    await context.close();
  });

  it('the choice is remembered on the device and on the account', async () => {
    const { context, page } = await board.open(ws.member, DESK);
    await settle(page, '/queue');
    await page.getByRole('button', { name: /English/ }).click();
    await page.getByRole('heading', { name: 'Department queue' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Department queue' }).waitFor();
    await expect
      .poll(async () => (await board.call<{ person: { locale: string } }>(ws.member, 'GET', '/api/me')).person.locale)
      .toBe('en');
    // A fresh device signed in as the same person starts in the account's language.
    const other = await board.open(ws.member, DESK);
    await settle(other.page, '/queue');
    await other.page.getByRole('heading', { name: 'Department queue' }).waitFor();
    await other.context.close();
    await context.close();
  });
});
