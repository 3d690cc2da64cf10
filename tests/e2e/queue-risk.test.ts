import { describe, expect, it } from 'vitest';
import { manualClock, minutes } from '../helpers/clock.ts';
import { fileBomb } from '../helpers/factories.ts';
import { boardForFile, DESK } from './support/board.ts';

// The server clock starts 70 minutes in the past, so bombs can be filed "earlier" by moving it on.
const clock = manualClock(new Date());
clock.advance(-minutes(70));
const file = boardForFile({ clock });

describe('the department queue', () => {
  it('sorts by claim deadline and colors the countdowns gray → yellow → orange → red, ticking live', async () => {
    // Critical bombs have one hour to be claimed (the default policy).
    // Minutes after the clock's start ("now" is at 70): 70, 55, 40 and 5 minutes ago.
    const filedAt = [0, 15, 30, 65];
    const titles = ['Overdue one', 'Almost due one', 'Due soon one', 'Calm one'];
    for (const [i, at] of filedAt.entries()) {
      clock.set(new Date(Date.now() - minutes(70 - at) * 1000));
      await fileBomb({ app: file.board.app }, file.ws.field, { title: titles[i], severity: 'critical' });
    }
    clock.set(new Date());
    const { page, context } = await file.board.open(file.ws.lead, DESK);
    await page.goto(`${file.board.baseUrl}/queue`);
    const rows = page.getByTestId('queue-row');
    await rows.first().waitFor();
    expect(await rows.locator('.bomb-link').allTextContents()).toEqual(
      titles.map((t, i) => `${['SHIP-1', 'SHIP-2', 'SHIP-3', 'SHIP-4'][i]} ${t}`),
    );
    expect(await rows.locator('[data-risk]').evaluateAll((els) => els.map((e) => e.getAttribute('data-risk')))).toEqual(
      ['overdue', 'near', 'soon', 'calm'],
    );
    await file.board.screenshot(page, 'lead-queue-risk-colors');

    // The near one shows seconds and counts down without a reload.
    const near = rows.nth(1).locator('[data-risk]');
    const before = await near.textContent();
    await page.waitForFunction(
      ([selector, text]) => document.querySelectorAll(selector as string)[1]?.textContent !== text,
      ['[data-testid="queue-row"] [data-risk]', before],
    );
    await context.close();
  });
});
