import { afterAll, describe, it } from 'vitest';
import { FAULT_DATABASES } from '../helpers/fault-databases.ts';
import { killDuringFilings } from '../helpers/kill-during-filings.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('kill -9 during 2,000 filings with client retries on the same Idempotency-Key', () => {
  it.each(FAULT_DATABASES)('on $name: 0 acknowledged lost, 0 doubled', async ({ name, create }) => {
    const database = await create();
    cleanups.push(() => database.drop());
    const { acknowledged } = await killDuringFilings(database.env, { total: 2000, killAfter: 900 }, (s) =>
      cleanups.push(s),
    );
    console.log(`${name}: ${acknowledged} acknowledged before kill -9; all present after restart, none doubled`);
  });
});
