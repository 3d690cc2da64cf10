import type { Bomb } from '@defuse/shared';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fileBomb } from '../helpers/factories.ts';
import { boardForFile, DESK, PHONE } from './support/board.ts';

const file = boardForFile();

/** Form controls without a label and buttons without a name, as `tag#name` strings. */
function unlabelled(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('input, select, textarea, button, a[href]')) {
      if (el.closest('[aria-hidden="true"]')) continue;
      const labelled =
        ('labels' in el && (el as HTMLInputElement).labels && ((el as HTMLInputElement).labels?.length ?? 0) > 0) ||
        el.getAttribute('aria-label') ||
        el.getAttribute('aria-labelledby') ||
        (el.tagName !== 'INPUT' && el.tagName !== 'SELECT' && el.tagName !== 'TEXTAREA' && el.textContent?.trim());
      if (!labelled) out.push(`${el.tagName.toLowerCase()}#${el.getAttribute('name') ?? ''}`);
    }
    return out;
  });
}

/** Text whose contrast against its background is under WCAG AA (4.5:1, or 3:1 for large text). */
function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const parse = (c: string) => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      const [r = 0, g = 0, b = 0, a = 1] = (m?.[1] ?? '0,0,0,0').split(',').map((x) => Number.parseFloat(x));
      return { r, g, b, a: m?.[1]?.split(',').length === 4 ? a : 1 };
    };
    const lum = ({ r, g, b }: { r: number; g: number; b: number }) => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element | null): { r: number; g: number; b: number } => {
      for (let e = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg.a > 0.5) return bg;
      }
      return { r: 255, g: 255, b: 255 };
    };
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || !node.textContent?.trim()) continue;
      if (el.closest('button:disabled, option, .visually-hidden, [aria-hidden="true"]')) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none' || el.getClientRects().length === 0) continue;
      const fg = parse(style.color);
      const l1 = lum(fg);
      const l2 = lum(background(el));
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      const size = Number.parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) out.push(`${node.textContent.trim().slice(0, 30)} (${ratio.toFixed(2)})`);
    }
    return out;
  });
}

describe('keyboard, labels, focus and contrast', () => {
  it('a field contact files a bomb with the keyboard alone, with a visible focus on the way', async () => {
    const { context, page } = await file.board.open(file.ws.field, PHONE);
    await page.goto(`${file.board.baseUrl}/file`);
    await page.getByRole('heading', { name: '困りごとを報告' }).waitFor();

    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name === 'category')) break;
    }
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight'); // 取説 / manual
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement?.closest('label') as Element).outlineStyle,
    );
    expect(outline).not.toBe('none');
    await page.keyboard.press('Tab'); // severity: the checked one (normal)
    await page.keyboard.press('ArrowRight'); // high
    await page.keyboard.press('Tab');
    await page.keyboard.type('Keyboard-only filing works');
    await page.keyboard.press('Enter');
    await page.getByTestId('my-bomb').filter({ hasText: 'Keyboard-only filing works' }).waitFor({ timeout: 15_000 });
    const { items } = await file.board.call<{ items: Bomb[] }>(file.ws.field, 'GET', '/api/bombs?limit=50');
    expect(items.find((b) => b.title === 'Keyboard-only filing works')).toMatchObject({
      category: 'manual',
      severity: 'high',
    });
    await context.close();
  });

  it('every control has a label and text meets AA contrast on the main screens', async () => {
    const bomb = await fileBomb({ app: file.board.app }, file.ws.field, { title: 'Contrast check bomb' });
    const screens = [
      { actor: file.ws.field, viewport: PHONE, paths: ['/file', '/mine', '/signals'] },
      { actor: file.ws.lead, viewport: DESK, paths: ['/queue', `/bombs/${bomb.id}`, '/dashboard'] },
      {
        actor: file.ws.admin,
        viewport: DESK,
        paths: ['/admin?tab=people', '/admin?tab=routing', '/admin?tab=policies'],
      },
    ];
    for (const { actor, viewport, paths } of screens) {
      const { context, page } = await file.board.open(actor, viewport);
      for (const path of paths) {
        await page.goto(`${file.board.baseUrl}${path}`);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        expect(await unlabelled(page), `${path}: unlabelled`).toEqual([]);
        expect(await lowContrast(page), `${path}: low contrast`).toEqual([]);
      }
      await context.close();
    }

    // The checks themselves catch what they are for.
    const { context, page } = await file.board.open(file.ws.field, PHONE);
    await page.goto(`${file.board.baseUrl}/file`);
    await page.locator('main h1').first().waitFor();
    await page.evaluate(() => {
      const probe = document.createElement('p');
      probe.textContent = 'pale probe';
      probe.style.color = '#cccccc';
      const input = document.createElement('input');
      input.name = 'naked';
      document.querySelector('main')?.append(probe, input);
    });
    expect(await lowContrast(page)).toEqual([expect.stringContaining('pale probe')]);
    expect(await unlabelled(page)).toEqual(['input#naked']);
    await context.close();
  });
});
