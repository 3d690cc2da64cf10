import {
  type ActingPerson,
  BOMB_ACTIONS,
  type Bomb,
  type BombAction,
  judgeAction,
  ROLES,
  type Role,
  STATUSES,
  type Status,
  type Verdict,
} from '@defuse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, getBomb, must } from '../helpers/actions.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { type Actor, createActor, createWorkspace, fileBomb } from '../helpers/factories.ts';

/**
 * Every role × relation × status × action through the shared rule (judgeAction) and through the
 * real server over HTTP: the server must accept exactly what the rule allows, refuse with the
 * code it names, and leave a refused bomb as it was. The board offers what the rule calls `ok`,
 * so this is also what makes "the board never offers an action the server refuses" hold.
 */
const RELATIONS = ['filer', 'member', 'other', 'helper', 'assignee'] as const;
type Relation = (typeof RELATIONS)[number];

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;
let home: string;
let away: string;

beforeAll(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
  home = ws.departments.logistics; // where shipping bombs are routed
  away = ws.departments.documentation;
});
afterAll(() => ctx.close());

/** The person of `role` standing in `relation` to the bombs, as the rule and the server see it. */
async function personFor(role: Role, relation: Relation): Promise<{ actor: Actor; person: ActingPerson }> {
  const department = relation === 'member' || relation === 'assignee' ? home : relation === 'filer' ? null : away;
  const departmentIds = department ? [department] : [];
  const leadDepartmentIds = role === 'lead' && department ? [department] : [];
  const actor = await createActor(ctx, role, { departmentIds, leadOf: leadDepartmentIds });
  return { actor, person: { id: actor.id, role, departmentIds, leadDepartmentIds } };
}

/** A fresh shipping bomb (routed to logistics) brought to `status`, with `actor` in `relation` to it. */
async function bombAt(status: Status, relation: Relation, actor: Actor): Promise<Bomb> {
  const filer = relation === 'filer' ? actor : ws.field;
  const holder = relation === 'assignee' ? actor : ws.member;
  let bomb = await fileBomb(ctx, filer, { title: `${status} for ${relation}` });
  if (status !== 'open') bomb = await must(ctx, holder, bomb.id, 'claim');
  if (status === 'waiting') bomb = await must(ctx, holder, bomb.id, 'transition', { to: 'waiting', note: 'why?' });
  if (status === 'resolved' || status === 'closed') {
    bomb = await must(ctx, holder, bomb.id, 'transition', { to: 'resolved', rootCause: 'other' });
  }
  if (status === 'closed') bomb = await must(ctx, filer, bomb.id, 'transition', { to: 'closed' });
  if (relation === 'helper') await must(ctx, actor, bomb.id, 'helpers');
  return getBomb(ctx, ws.admin, bomb.id);
}

function attempt(actor: Actor, bomb: Bomb, action: BombAction) {
  switch (action) {
    case 'claim':
      return act(ctx, actor, bomb.id, 'claim');
    case 'decline':
      return act(ctx, actor, bomb.id, 'decline', { reason: 'not ours', suggestedDepartmentId: away });
    case 'reroute':
      return act(ctx, actor, bomb.id, 'reroute', { departmentId: away, reason: 'theirs' });
    case 'comment':
      return act(ctx, actor, bomb.id, 'comments', { body: 'a word' });
    case 'join':
      return act(ctx, actor, bomb.id, 'helpers');
    case 'leave':
      return act(ctx, actor, bomb.id, 'helpers/me', undefined, { method: 'DELETE' });
    default: {
      const to = action.slice('move:'.length);
      return act(ctx, actor, bomb.id, 'transition', {
        to,
        note: 'moving',
        ...(to === 'resolved' && { rootCause: 'other' }),
      });
    }
  }
}

const REFUSALS: Record<Exclude<Verdict, 'ok' | 'unchanged'>, number> = {
  forbidden: 403,
  invalid_transition: 409,
  already_claimed: 409,
};

/** What the server did, in the rule's words; a 2xx that did not move the version changed nothing. */
async function verdictOf(actor: Actor, bomb: Bomb, action: BombAction): Promise<string> {
  const res = await attempt(actor, bomb, action);
  if (res.status >= 200 && res.status < 300) {
    const after = res.body.bomb ?? (res.body.event?.data as { bomb?: Bomb } | undefined)?.bomb;
    return after?.version === bomb.version + 1 ? 'ok' : after?.version === bomb.version ? 'unchanged' : 'no bomb';
  }
  const code = res.body.error?.code ?? 'none';
  return REFUSALS[code as keyof typeof REFUSALS] === res.status ? code : `${res.status} ${code}`;
}

describe('every action the shared rule judges, as the server answers it', () => {
  for (const role of ROLES) {
    it(`${role}: each relation and status`, async () => {
      const mismatches: string[] = [];
      const seen = new Set<string>();
      for (const relation of RELATIONS) {
        const { actor, person } = await personFor(role, relation);
        for (const status of STATUSES) {
          // an open bomb has no assignee
          if (relation === 'assignee' && status === 'open') continue;
          let bomb = await bombAt(status, relation, actor);
          // refusals (and "unchanged") leave the bomb exactly as it was: checked before each change and at the end
          const untouched = async () => expect(await getBomb(ctx, ws.admin, bomb.id)).toEqual(bomb);
          for (const action of BOMB_ACTIONS) {
            const expected = judgeAction(person, bomb, action);
            if (expected === 'ok') await untouched();
            const actual = await verdictOf(actor, bomb, action);
            seen.add(expected);
            if (actual !== expected)
              mismatches.push(`${relation} ${status} ${action}: rule ${expected}, server ${actual}`);
            // a change moved the bomb on: the next action starts from the status again
            if (actual === 'ok') bomb = await bombAt(status, relation, actor);
          }
          await untouched();
        }
      }
      expect(mismatches).toEqual([]);
      // the walk is not vacuous for this role: it saw the rule allow and refuse
      expect(seen.has('ok')).toBe(true);
      expect(seen.has('forbidden') || role === 'pm' || role === 'admin').toBe(true);
      expect(seen.has('invalid_transition')).toBe(true);
    }, 300_000);
  }
});
