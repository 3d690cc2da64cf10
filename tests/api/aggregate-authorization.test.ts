import { departmentMembers } from '@defuse/drizzle';
import { refreshPerson } from '@defuse/server/commands/refresh-isolation';
import {
  type Bomb,
  DashboardResponseSchema,
  DEFAULT_ISOLATION_SETTINGS,
  FeedbackResponseSchema,
  GapsResponseSchema,
  IsolationPersonResponseSchema,
  ROLES,
  type Role,
} from '@defuse/shared';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advance, must } from '../helpers/actions.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { type Actor, createActor, createProduct, createWorkspace, fileBomb } from '../helpers/factories.ts';
import { bodyOf } from '../helpers/inject.ts';

/**
 * Every aggregate × every role × a restricted bomb (docs/security.md check 22). The restricted bombs
 * are filed by the field contact (a member of production) and routed to logistics: the logistics
 * member, pms, admins and the filer may read them; the lead of production may not, yet reads the
 * production people's isolation and the product's feedback. An aggregate must then neither count
 * nor name them for that lead. Every GET route is either a row here or listed as not an
 * aggregate, with why: a new aggregate endpoint without a row fails the first test.
 */
type Fixture = { productId: string; fieldId: string };
type Seen = {
  /** The answer mentions a restricted bomb (id or key). */
  names: boolean;
  /** Bombs (or spans) counted, where the aggregate counts. */
  count?: number;
};
type Row = {
  route: string;
  allowed: readonly Role[];
  request: (f: Fixture) => InjectOptions;
  seen: (res: LightMyRequestResponse) => Seen;
  /** Counted without the restricted bombs, and with them. */
  counts?: [number, number];
};

const leadsAndManagers = ['lead', 'pm', 'admin'] as const;
const managers = ['pm', 'admin'] as const;
/** Who may read the restricted bombs (GET /api/bombs/:id answers 200). */
const READERS: readonly Role[] = ['field', 'member', 'pm', 'admin'];

let restricted: Bomb[] = [];
const mentions = (text: string) => restricted.some((b) => text.includes(b.id) || text.includes(b.key));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

const AGGREGATES: Row[] = [
  {
    route: 'GET /api/products/{id}/feedback',
    allowed: leadsAndManagers,
    request: (f) => ({ method: 'GET', url: `/api/products/${f.productId}/feedback` }),
    seen: (res) => {
      const body = bodyOf(res, FeedbackResponseSchema);
      return {
        names: mentions(res.body) || body.causes.some((c) => c.rootCause === 'shipping_operations'),
        count: sum(body.causes.map((c) => c.count)) + sum(body.ownership.map((o) => o.spans)),
      };
    },
    // causes: the open bomb's lesson, then the restricted one; spans: the same two bombs
    counts: [2, 4],
  },
  {
    route: 'GET /api/products/{id}/feedback.csv',
    allowed: leadsAndManagers,
    request: (f) => ({ method: 'GET', url: `/api/products/${f.productId}/feedback.csv` }),
    seen: (res) => ({
      names: mentions(res.body) || res.body.includes('shipping_operations'),
      count: res.body.trim().split('\n').length - 1,
    }),
    counts: [1, 2],
  },
  {
    route: 'GET /api/products/{id}/feedback.csv',
    allowed: leadsAndManagers,
    request: (f) => ({ method: 'GET', url: `/api/products/${f.productId}/feedback.csv?table=ownership` }),
    seen: (res) => ({ names: res.body.includes('logistics'), count: res.body.trim().split('\n').length - 1 }),
    counts: [1, 2],
  },
  {
    route: 'GET /api/isolation/gaps',
    allowed: managers,
    request: () => ({ method: 'GET', url: '/api/isolation/gaps?days=30' }),
    seen: (res) => {
      const body = bodyOf(res, GapsResponseSchema);
      return {
        names: mentions(res.body),
        count: sum(body.categories.map((c) => c.routed)) + sum(body.categories.map((c) => c.unclaimedOverdue)),
      };
    },
    // routed: the open bomb and the two restricted ones; overdue: the open restricted one
    counts: [1, 4],
  },
  {
    route: 'GET /api/isolation',
    allowed: leadsAndManagers,
    request: () => ({ method: 'GET', url: '/api/isolation' }),
    seen: (res) => ({ names: mentions(res.body) }),
  },
  {
    route: 'GET /api/isolation/{personId}',
    // the fixture's person is the field contact, who reads their own entry
    allowed: ['field', 'lead', 'pm', 'admin'],
    request: (f) => ({ method: 'GET', url: `/api/isolation/${f.fieldId}` }),
    seen: (res) => {
      const entry = bodyOf(res, IsolationPersonResponseSchema);
      return { names: mentions(res.body), count: sum(entry.reasons.map((r) => r.bombIds.length)) };
    },
  },
  {
    route: 'GET /api/dashboard',
    allowed: leadsAndManagers,
    request: () => ({ method: 'GET', url: '/api/dashboard' }),
    seen: (res) => {
      const body = bodyOf(res, DashboardResponseSchema);
      const open = sum(body.heatmap.map((c) => c.open));
      // The one bomb still open is the restricted overdue one: counting it reveals it.
      return { names: mentions(res.body) || open > 0, count: open + sum(body.departments.map((d) => d.open)) };
    },
    counts: [0, 2],
  },
];

/** GET routes that are not aggregates, and why: each reads bombs one by one through the visibility rule, or none. */
const NOT_AGGREGATES: Record<string, string> = {
  'GET /api/health': 'no data',
  'GET /api/me': 'the caller',
  'GET /api/me/notifications': 'the caller’s preferences, no bombs',
  'GET /api/notifications': 'the caller’s inbox, written only for bombs they could see (notifications.test.ts)',
  'GET /api/notifications/unsubscribe': 'a signed link’s page, no bombs',
  'GET /api/admin/deliveries': 'admins only, who read every bomb',
  'GET /api/tokens': "the caller's own tokens (admins: anyone's), no bombs",
  'GET /api/people': 'the directory, no bombs',
  'GET /api/departments': 'the directory, no bombs',
  'GET /api/products': 'the directory, no bombs',
  'GET /api/bombs': 'a list filtered by visibleTo (authorization-matrix.test.ts)',
  'GET /api/bombs/{id}': 'one bomb through visibleTo (authorization-matrix.test.ts)',
  'GET /api/events': 'events filtered by canSeeEvent (the live tests)',
  'GET /api/routing': 'rules, no bombs',
  'GET /api/settings/escalation': 'settings, no bombs',
  'GET /api/settings/isolation': 'settings, no bombs',
  'GET /api/departments/{id}/policy': 'settings, no bombs',
  'GET /api/webhooks/deliveries': 'admins only, who read every bomb',
  'GET /api/audit': 'admins only; admin events name no bomb',
  'GET /api/audit.csv': 'admins only; admin events name no bomb',
};

let ctx: TestContext;
let fixture: Fixture;
const actors = new Map<Role, Actor>();

beforeAll(async () => {
  ctx = await createTestContext();
  const ws = await createWorkspace(ctx);
  // The field contact works in production, whose lead reads its people's isolation.
  await ctx.deps.db
    .insert(departmentMembers)
    .values({ departmentId: ws.departments.production, personId: ws.field.id, isLead: false });
  actors.set('field', ws.field);
  actors.set('member', ws.member);
  actors.set('lead', await createActor(ctx, 'lead', { leadOf: [ws.departments.production] }));
  actors.set('pm', ws.pm);
  actors.set('admin', ws.admin);
  const productId = await createProduct(ctx);
  // Seen by everyone: a manual bomb of the product, resolved by documentation.
  const open = await fileBomb(ctx, ws.otherField, { category: 'manual', productId });
  await must(ctx, ws.docsMember, open.id, 'claim');
  await must(ctx, ws.docsMember, open.id, 'transition', { to: 'resolved', rootCause: 'manual_unclear' });
  // Restricted: one of the product, resolved by logistics; one left unclaimed past its deadline.
  const lesson = await fileBomb(ctx, ws.field, { restricted: true, category: 'shipping', productId });
  await must(ctx, ws.member, lesson.id, 'claim');
  await must(ctx, ws.member, lesson.id, 'transition', { to: 'resolved', rootCause: 'shipping_operations' });
  const overdue = await fileBomb(ctx, ws.field, { restricted: true, category: 'shipping' });
  restricted = [lesson, overdue];
  await advance(ctx, (Date.parse(overdue.claimDueAt ?? '') - ctx.clock.now().getTime()) / 1000 + 3600);
  await refreshPerson(ctx.deps.db, ws.field.id, DEFAULT_ISOLATION_SETTINGS, ctx.clock.now());
  fixture = { productId, fieldId: ws.field.id };
});
afterAll(() => ctx.close());

describe('the aggregate authorization matrix', () => {
  it('has a row for every GET route that is an aggregate, and a reason for every other', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const reads = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => m === 'get')
        .map(() => `GET ${path}`),
    );
    const undecided = reads.filter((r) => !(r in NOT_AGGREGATES) && !AGGREGATES.some((row) => row.route === r));
    expect(undecided).toEqual([]);
  });

  it('the restricted bombs are hidden from the lead of production and readable by the rest', async () => {
    for (const role of ROLES) {
      const actor = actors.get(role);
      if (!actor) throw new Error(`no ${role} actor`);
      for (const bomb of restricted) {
        const res = await ctx.app.inject({ method: 'GET', url: `/api/bombs/${bomb.id}`, headers: actor.headers });
        expect(res.statusCode, role).toBe(READERS.includes(role) ? 200 : 404);
      }
    }
  });

  for (const row of AGGREGATES) {
    const req = row.request({ productId: 'p', fieldId: 'f' });
    it(`${row.route}${req.url?.toString().includes('table=') ? ' (ownership)' : ''}: counts and names only readable bombs`, async () => {
      for (const role of ROLES) {
        const actor = actors.get(role);
        if (!actor) throw new Error(`no ${role} actor`);
        const res = await ctx.app.inject({ ...row.request(fixture), headers: actor.headers });
        if (!row.allowed.includes(role)) {
          expect(res.statusCode, `${role} ${row.route}`).toBe(403);
          continue;
        }
        expect(res.statusCode, `${role} ${row.route}: ${res.body.slice(0, 200)}`).toBe(200);
        const reader = READERS.includes(role);
        const seen = row.seen(res);
        expect(seen.names, `${role} ${row.route} names a restricted bomb: ${res.body.slice(0, 4000)}`).toBe(reader);
        if (row.counts) expect(seen.count, `${role} ${row.route} count`).toBe(row.counts[reader ? 1 : 0]);
        else if (reader) expect(seen.count ?? 1, `${role} ${row.route} names something`).toBeGreaterThan(0);
      }
    });
  }
});
