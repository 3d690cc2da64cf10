import { GroupCommit, type Outcome } from '@defuse/server/db/group-commit';
import { describe, expect, it } from 'vitest';

/** A write whose calls are recorded and finish only when the test says so. */
function controlledWrite() {
  const calls: { items: string[]; finish: (outcomes?: Outcome<string>[]) => void; fail: (err: Error) => void }[] = [];
  const write = (items: string[]) =>
    new Promise<Outcome<string>[]>((resolve, reject) => {
      calls.push({
        items,
        finish: (outcomes) => resolve(outcomes ?? items.map((i) => ({ ok: true, value: `done ${i}` }))),
        fail: reject,
      });
    });
  return { calls, write };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The test's stand-in for isRowError: errors whose message says they belong to one row. */
const retryAlone = (err: unknown) => err instanceof Error && err.message.startsWith('unique');

describe('group commit', () => {
  it('writes an item at once, alone, while a slot is free', async () => {
    const { calls, write } = controlledWrite();
    const groups = new GroupCommit(write, { slots: 2, maxGroup: 16, retryAlone });
    const a = groups.submit('a');
    expect(calls.map((c) => c.items)).toEqual([['a']]);
    calls[0]?.finish();
    await expect(a).resolves.toBe('done a');
  });

  it('gathers the items that arrive while every slot is busy, up to maxGroup', async () => {
    const { calls, write } = controlledWrite();
    const groups = new GroupCommit(write, { slots: 1, maxGroup: 3, retryAlone });
    const answers = ['a', 'b', 'c', 'd', 'e', 'f'].map((item) => groups.submit(item));
    expect(calls.map((c) => c.items)).toEqual([['a']]);
    calls[0]?.finish();
    await settle();
    expect(calls.map((c) => c.items)).toEqual([['a'], ['b', 'c', 'd']]);
    calls[1]?.finish();
    await settle();
    expect(calls.map((c) => c.items)).toEqual([['a'], ['b', 'c', 'd'], ['e', 'f']]);
    calls[2]?.finish();
    await expect(Promise.all(answers)).resolves.toEqual(['a', 'b', 'c', 'd', 'e', 'f'].map((i) => `done ${i}`));
  });

  it('answers each item with its own outcome: a refused item fails alone', async () => {
    const { calls, write } = controlledWrite();
    const groups = new GroupCommit(write, { slots: 1, maxGroup: 16, retryAlone });
    const first = groups.submit('first');
    const answers = Promise.allSettled([groups.submit('b'), groups.submit('c')]);
    calls[0]?.finish();
    await settle();
    calls[1]?.finish([
      { ok: false, error: new Error('no such product') },
      { ok: true, value: 'done c' },
    ]);
    await expect(first).resolves.toBe('done first');
    const [b, c] = await answers;
    expect(b?.status === 'rejected' && String(b.reason)).toBe('Error: no such product');
    expect(c).toEqual({ status: 'fulfilled', value: 'done c' });
  });

  it('when a group rolls back, writes each of its items again alone, so only the culprit fails', async () => {
    const { calls, write } = controlledWrite();
    const groups = new GroupCommit(write, { slots: 1, maxGroup: 16, retryAlone });
    const first = groups.submit('first');
    const rest = Promise.allSettled(['b', 'bad', 'c'].map((item) => groups.submit(item)));
    calls[0]?.finish();
    await settle();
    calls[1]?.fail(new Error('unique violation'));
    for (const item of ['b', 'bad', 'c']) {
      await settle();
      const call = calls.at(-1);
      expect(call?.items).toEqual([item]);
      if (item === 'bad') call?.fail(new Error('unique violation'));
      else call?.finish();
    }
    await expect(first).resolves.toBe('done first');
    const [b, bad, c] = await rest;
    expect(b).toEqual({ status: 'fulfilled', value: 'done b' });
    expect(bad?.status).toBe('rejected');
    expect(c).toEqual({ status: 'fulfilled', value: 'done c' });
  });

  it('when a group fails for a reason no one item causes, fails all of its items at once, without retrying', async () => {
    const { calls, write } = controlledWrite();
    const groups = new GroupCommit(write, { slots: 1, maxGroup: 16, retryAlone });
    const first = groups.submit('first');
    const rest = Promise.allSettled(['b', 'c', 'd'].map((item) => groups.submit(item)));
    calls[0]?.finish();
    await settle();
    calls[1]?.fail(new Error('connection closed'));
    const answers = await rest;
    await settle();
    expect(calls.map((c) => c.items)).toEqual([['first'], ['b', 'c', 'd']]);
    expect(answers.map((a) => a.status === 'rejected' && String(a.reason))).toEqual(
      ['b', 'c', 'd'].map(() => 'Error: connection closed'),
    );
    await expect(first).resolves.toBe('done first');
  });
});
