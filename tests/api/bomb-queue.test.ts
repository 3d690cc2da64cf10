import { rowsOf } from '@defuse/server/db/types';
import { bombListQuery } from '@defuse/server/queries/bombs';
import type { Viewer } from '@defuse/server/viewer';
import {
  type Bomb,
  BombListResponseSchema,
  BombResponseSchema,
  ListBombsQuerySchema,
  type Severity,
} from '@defuse/shared';
import { type SQLWrapper, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { must } from '../helpers/actions.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createWorkspace, fileBomb } from '../helpers/factories.ts';
import { bodyOf } from '../helpers/inject.ts';

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;

beforeAll(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
});
afterAll(() => ctx.close());

async function allPages(url: string): Promise<Bomb[]> {
  const seen: Bomb[] = [];
  let cursor: string | null = null;
  do {
    const pageUrl: string = `${url}${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await ctx.app.inject({
      method: 'GET',
      url: pageUrl,
      headers: ws.lead.headers,
    });
    expect(res.statusCode).toBe(200);
    const page = bodyOf(res, BombListResponseSchema);
    expect(page.items.length).toBeLessThanOrEqual(2);
    seen.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return seen;
}

/** Soonest claim deadline first, none last, then by id: what the server promises for sort=claimDue. */
const byClaimDue = (a: Bomb, b: Bomb) => {
  const [x, y] = [`${a.claimDueAt ?? '~'} ${a.id}`, `${b.claimDueAt ?? '~'} ${b.id}`];
  return x < y ? -1 : x > y ? 1 : 0;
};

describe('a department queue (sort=claimDue)', () => {
  it('pages across statuses in deadline order, each bomb once, nothing from elsewhere', async () => {
    const severities: Severity[] = ['low', 'critical', 'normal', 'high', 'critical', 'normal', 'low', 'high'];
    const filed: Bomb[] = [];
    for (const severity of severities) {
      ctx.clock.advance(60);
      filed.push(await fileBomb(ctx, ws.field, { severity }));
    }
    // Two claimed (no claim deadline any more), one waiting, one resolved; a manual bomb elsewhere.
    const [a, b, c, d] = filed;
    if (!a || !b || !c || !d) throw new Error('filing failed');
    await must(ctx, ws.member, a.id, 'claim');
    await must(ctx, ws.member, b.id, 'claim');
    await must(ctx, ws.member, c.id, 'claim');
    await must(ctx, ws.member, c.id, 'transition', { to: 'waiting' });
    await must(ctx, ws.member, d.id, 'claim');
    await must(ctx, ws.member, d.id, 'transition', { to: 'resolved', rootCause: 'shipping_operations' });
    await fileBomb(ctx, ws.field, { category: 'manual' });

    const queue = `/api/bombs?departmentId=${ws.departments.logistics}&sort=claimDue&limit=2`;
    const current = await Promise.all(
      filed.map((f) => ctx.app.inject({ url: `/api/bombs/${f.id}`, headers: ws.pm.headers })),
    );
    const bombs = current.map((r) => bodyOf(r, BombResponseSchema).bomb);

    const carried = await allPages(`${queue}&status=open,claimed,waiting`);
    const expected = bombs.filter((x) => ['open', 'claimed', 'waiting'].includes(x.status)).sort(byClaimDue);
    expect(carried.map((x) => x.key)).toEqual(expected.map((x) => x.key));
    expect(carried.filter((x) => x.claimDueAt === null)).toHaveLength(3);

    const everything = await allPages(queue);
    expect(everything.map((x) => x.key)).toEqual([...bombs].sort(byClaimDue).map((x) => x.key));
  });

  it('reads one page of each status, not the queue', async () => {
    // A department with a long history: 4,000 bombs, a quarter of them still carried.
    const now = ctx.clock.now().toISOString();
    await ctx.deps.db.execute(sql`
      insert into bombs (number, key, title, category, severity, status, filed_by_id, department_id,
                         assignee_id, claim_due_at, created_at, updated_at)
      select 100000 + n, 'SHIP-' || (100000 + n), 'history ' || n, 'shipping', 'normal',
        (case when n % 8 = 0 then 'open' when n % 8 = 1 then 'claimed' when n % 16 = 2 then 'waiting'
              else 'resolved' end)::status,
        ${ws.field.id}, ${ws.departments.logistics},
        case when n % 8 <> 0 then ${ws.member.id}::uuid end,
        case when n % 8 = 0 then ${now}::timestamptz + n * interval '1 minute' end,
        ${now}::timestamptz, ${now}::timestamptz
      from generate_series(1, 4000) n`);
    await ctx.deps.db.execute(sql`analyze bombs`);

    const viewer: Viewer = {
      id: ws.lead.id,
      name: 'lead',
      role: 'lead',
      locale: 'en',
      departmentIds: [ws.departments.logistics],
      leadDepartmentIds: [ws.departments.logistics],
    };
    const board = ListBombsQuerySchema.parse({
      departmentId: ws.departments.logistics,
      status: 'open,claimed,waiting',
      sort: 'claimDue',
      limit: '50',
    });
    const first = await bombListQuery(ctx.deps.db, viewer, board);
    const last = first[49];
    if (!last) throw new Error('short page');
    const cursor = Buffer.from(JSON.stringify({ v: last.claimDueAt?.toISOString() ?? null, id: last.id })).toString(
      'base64url',
    );
    for (const query of [board, { ...board, cursor }]) {
      const plan = await explain(bombListQuery(ctx.deps.db, viewer, query));
      const scans = nodes(plan).filter((n) => n['Relation Name'] === 'bombs');
      expect(scans.map((n) => n['Node Type'])).not.toContain('Seq Scan');
      // Three statuses, each at most one page and the probe for the next: 1,000 carried bombs stay unread.
      const read = scans.reduce((sum, n) => sum + (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1), 0);
      expect(read).toBeLessThanOrEqual(3 * 51);
    }
  });
});

type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
};

const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

async function explain(query: SQLWrapper): Promise<PlanNode> {
  const [row] = rowsOf<Record<string, unknown>>(
    await ctx.deps.db.execute(sql`explain (analyze, format json) ${query}`),
  );
  const cell = Object.values(row ?? {})[0];
  const parsed = (typeof cell === 'string' ? JSON.parse(cell) : cell) as { Plan: PlanNode }[];
  const plan = parsed[0]?.Plan;
  if (!plan) throw new Error('no plan');
  return plan;
}
