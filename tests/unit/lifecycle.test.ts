import { canMove, mayAct, STATUSES, type Standing } from '@defuse/shared';
import { describe, expect, it } from 'vitest';
import { ALLOWED_MOVES } from '../helpers/lifecycle.ts';

describe('lifecycle', () => {
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      const ok = ALLOWED_MOVES.has(`${from}>${to}`);
      it(`${from} → ${to} is ${ok ? 'allowed' : 'refused'}`, () => expect(canMove(from, to)).toBe(ok));
    }
  }

  const nobody: Standing = { manager: false, member: false, lead: false, assignee: false, filer: false, helper: false };
  it('the filer closes, reopens and comments, but works on a bomb only as its assignee', () => {
    const filer = { ...nobody, filer: true };
    expect([mayAct(filer, 'close'), mayAct(filer, 'reopen'), mayAct(filer, 'comment')]).toEqual([true, true, true]);
    expect(mayAct(filer, 'work')).toBe(false);
    expect(mayAct({ ...filer, assignee: true }, 'work')).toBe(true);
  });
  it('members claim and decline but do not close or reroute; leads reroute; managers do all', () => {
    const member = { ...nobody, member: true };
    expect([mayAct(member, 'claim'), mayAct(member, 'decline'), mayAct(member, 'close')]).toEqual([true, true, false]);
    expect(mayAct(member, 'reroute')).toBe(false);
    expect(mayAct({ ...member, lead: true }, 'reroute')).toBe(true);
    expect(mayAct({ ...nobody, manager: true }, 'close')).toBe(true);
  });
  it('an outsider may not comment until it joins as a helper', () => {
    expect(mayAct(nobody, 'comment')).toBe(false);
    expect(mayAct({ ...nobody, helper: true }, 'comment')).toBe(true);
  });
});
