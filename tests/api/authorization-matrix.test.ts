import {
  DEFAULT_ISOLATION_SETTINGS,
  DEFAULT_POLICY,
  ProductResponseSchema,
  ROLES,
  type Role,
  TokenCreatedSchema,
} from '@defuse/shared';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { type Actor, createActor, createWorkspace, fileBomb } from '../helpers/factories.ts';
import { bodyOf } from '../helpers/inject.ts';

/**
 * Every route × every role. `allowed` lists the roles that get past authorization; every other
 * role must get 403 (or 404 where a bomb is hidden from it). A route missing here fails the test,
 * so no route ships without a decision about who may call it.
 */
type Fixture = {
  bombId: string;
  restrictedBombId: string;
  personId: string;
  departmentId: string;
  productionId: string;
  productId: string;
  buddyId: string;
  /** An API token of another person (personId). */
  tokenId: string;
};
type Row = {
  route: string;
  allowed: readonly Role[];
  request: (f: Fixture, role: Role) => InjectOptions;
  deniedStatus?: number;
  /** The request changes the bomb: each attempt gets a fresh one (filed by another field contact, routed to logistics). */
  fresh?: boolean;
};

const everyone = ROLES;
const adminOnly = ['admin'] as const;
const managers = ['pm', 'admin'] as const;
/** The matrix's member belongs to logistics, where its bombs are routed; its lead leads production. */
const logistics = ['member', 'pm', 'admin'] as const;
const uniq = () => Math.random().toString(36).slice(2, 8);

const MATRIX: Row[] = [
  { route: 'GET /api/me', allowed: everyone, request: () => ({ method: 'GET', url: '/api/me' }) },
  {
    route: 'PATCH /api/me',
    allowed: everyone,
    request: () => ({ method: 'PATCH', url: '/api/me', payload: { locale: 'ja' } }),
  },
  {
    route: 'POST /api/tokens',
    allowed: everyone,
    request: () => ({ method: 'POST', url: '/api/tokens', payload: { name: 'x' } }),
  },
  // Everyone lists their own tokens (api-tokens.test.ts); only an admin lists another person's.
  {
    route: 'GET /api/tokens',
    allowed: adminOnly,
    request: (f) => ({ method: 'GET', url: `/api/tokens?personId=${f.personId}` }),
  },
  // Someone else's token does not exist for anyone but an admin (404, not 403). Admin comes last in ROLES.
  {
    route: 'DELETE /api/tokens/{id}',
    allowed: adminOnly,
    deniedStatus: 404,
    request: (f) => ({ method: 'DELETE', url: `/api/tokens/${f.tokenId}` }),
  },
  { route: 'GET /api/people', allowed: everyone, request: () => ({ method: 'GET', url: '/api/people' }) },
  {
    route: 'POST /api/people',
    allowed: adminOnly,
    request: () => ({
      method: 'POST',
      url: '/api/people',
      payload: { name: 'N', email: `${uniq()}@example.test`, role: 'field', password: 'password123' },
    }),
  },
  {
    route: 'PATCH /api/people/{id}',
    allowed: adminOnly,
    request: (f) => ({ method: 'PATCH', url: `/api/people/${f.personId}`, payload: { name: 'Renamed' } }),
  },
  { route: 'GET /api/departments', allowed: everyone, request: () => ({ method: 'GET', url: '/api/departments' }) },
  {
    route: 'POST /api/departments',
    allowed: adminOnly,
    request: () => ({ method: 'POST', url: '/api/departments', payload: { name: 'D', slug: `d-${uniq()}` } }),
  },
  {
    route: 'PATCH /api/departments/{id}',
    allowed: adminOnly,
    request: (f) => ({ method: 'PATCH', url: `/api/departments/${f.departmentId}`, payload: { name: 'Logistics' } }),
  },
  { route: 'GET /api/products', allowed: everyone, request: () => ({ method: 'GET', url: '/api/products' }) },
  {
    route: 'POST /api/products',
    allowed: adminOnly,
    request: () => ({
      method: 'POST',
      url: '/api/products',
      payload: { name: 'P', slug: `p-${uniq()}`, stage: 'pilot' },
    }),
  },
  {
    route: 'PATCH /api/products/{id}',
    allowed: adminOnly,
    request: (f) => ({ method: 'PATCH', url: `/api/products/${f.productId}`, payload: { stage: 'launch' } }),
  },
  {
    route: 'POST /api/bombs',
    allowed: everyone,
    request: () => ({ method: 'POST', url: '/api/bombs', payload: { title: 't', category: 'other', severity: 'low' } }),
  },
  { route: 'GET /api/bombs', allowed: everyone, request: () => ({ method: 'GET', url: '/api/bombs' }) },
  {
    route: 'GET /api/bombs/{id}',
    allowed: everyone,
    request: (f) => ({ method: 'GET', url: `/api/bombs/${f.bombId}` }),
  },
  { route: 'GET /api/events', allowed: everyone, request: () => ({ method: 'GET', url: '/api/events' }) },
  {
    route: 'POST /api/bombs/{id}/claim',
    allowed: logistics,
    fresh: true,
    request: (f) => ({ method: 'POST', url: `/api/bombs/${f.bombId}/claim` }),
  },
  {
    route: 'POST /api/bombs/{id}/decline',
    allowed: logistics,
    fresh: true,
    request: (f) => ({ method: 'POST', url: `/api/bombs/${f.bombId}/decline`, payload: { reason: 'not ours' } }),
  },
  {
    route: 'POST /api/bombs/{id}/reroute',
    allowed: managers,
    fresh: true,
    request: (f) => ({
      method: 'POST',
      url: `/api/bombs/${f.bombId}/reroute`,
      payload: { departmentId: f.productionId, reason: 'stock' },
    }),
  },
  {
    route: 'POST /api/bombs/{id}/transition',
    allowed: logistics,
    fresh: true,
    request: (f) => ({ method: 'POST', url: `/api/bombs/${f.bombId}/transition`, payload: { to: 'claimed' } }),
  },
  {
    route: 'POST /api/bombs/{id}/comments',
    allowed: logistics,
    fresh: true,
    request: (f) => ({ method: 'POST', url: `/api/bombs/${f.bombId}/comments`, payload: { body: '確認します' } }),
  },
  {
    route: 'POST /api/bombs/{id}/helpers',
    allowed: everyone,
    fresh: true,
    request: (f) => ({ method: 'POST', url: `/api/bombs/${f.bombId}/helpers` }),
  },
  {
    route: 'DELETE /api/bombs/{id}/helpers/me',
    allowed: everyone,
    fresh: true,
    request: (f) => ({ method: 'DELETE', url: `/api/bombs/${f.bombId}/helpers/me` }),
  },
  { route: 'GET /api/routing', allowed: managers, request: () => ({ method: 'GET', url: '/api/routing' }) },
  {
    route: 'PUT /api/routing',
    allowed: adminOnly,
    request: (f) => ({
      method: 'PUT',
      url: '/api/routing',
      payload: {
        rules: [{ when: { categories: ['shipping'] }, departmentId: f.departmentId }],
        fallbackDepartmentId: f.departmentId,
      },
    }),
  },
  {
    route: 'GET /api/settings/escalation',
    allowed: managers,
    request: () => ({ method: 'GET', url: '/api/settings/escalation' }),
  },
  {
    route: 'PUT /api/settings/escalation',
    allowed: adminOnly,
    request: () => ({ method: 'PUT', url: '/api/settings/escalation', payload: { bounceLimit: 3 } }),
  },
  {
    route: 'GET /api/departments/{id}/policy',
    allowed: everyone,
    request: (f) => ({ method: 'GET', url: `/api/departments/${f.departmentId}/policy` }),
  },
  {
    // Admins, and the leads of the department (docs/api.md); the matrix's lead leads production.
    route: 'PUT /api/departments/{id}/policy',
    allowed: ['lead', 'admin'],
    request: (f) => ({ method: 'PUT', url: `/api/departments/${f.productionId}/policy`, payload: DEFAULT_POLICY }),
  },
  { route: 'GET /api/audit', allowed: adminOnly, request: () => ({ method: 'GET', url: '/api/audit' }) },
  { route: 'GET /api/audit.csv', allowed: adminOnly, request: () => ({ method: 'GET', url: '/api/audit.csv' }) },
  {
    route: 'GET /api/webhooks/deliveries',
    allowed: adminOnly,
    request: () => ({ method: 'GET', url: '/api/webhooks/deliveries' }),
  },
  // Each person's own inbox and preferences; the e-mail delivery log is the admin's.
  {
    route: 'GET /api/notifications',
    allowed: everyone,
    request: () => ({ method: 'GET', url: '/api/notifications' }),
  },
  {
    route: 'POST /api/notifications/read',
    allowed: everyone,
    request: () => ({ method: 'POST', url: '/api/notifications/read', payload: { all: true } }),
  },
  {
    route: 'GET /api/me/notifications',
    allowed: everyone,
    request: () => ({ method: 'GET', url: '/api/me/notifications' }),
  },
  {
    route: 'PUT /api/me/notifications',
    allowed: everyone,
    request: () => ({
      method: 'PUT',
      url: '/api/me/notifications',
      payload: { email: { kinds: [], digest: 'off' }, push: { kinds: [] }, quietHours: null },
    }),
  },
  {
    route: 'GET /api/admin/deliveries',
    allowed: adminOnly,
    request: () => ({ method: 'GET', url: '/api/admin/deliveries' }),
  },
  // Isolation is a workload signal: the board for pms, admins and leads (their departments' people),
  // and each person's own entry for that person.
  {
    route: 'GET /api/isolation',
    allowed: ['lead', 'pm', 'admin'],
    request: () => ({ method: 'GET', url: '/api/isolation' }),
  },
  {
    route: 'GET /api/dashboard',
    allowed: ['lead', 'pm', 'admin'],
    request: () => ({ method: 'GET', url: '/api/dashboard' }),
  },
  {
    route: 'GET /api/isolation/gaps',
    allowed: managers,
    request: () => ({ method: 'GET', url: '/api/isolation/gaps' }),
  },
  {
    route: 'GET /api/isolation/{personId}',
    allowed: managers,
    request: (f) => ({ method: 'GET', url: `/api/isolation/${f.personId}` }),
  },
  {
    route: 'POST /api/isolation/{personId}/buddy',
    allowed: managers,
    request: (f) => ({ method: 'POST', url: `/api/isolation/${f.personId}/buddy`, payload: { buddyId: f.buddyId } }),
  },
  {
    route: 'GET /api/settings/isolation',
    allowed: ['lead', 'pm', 'admin'],
    request: () => ({ method: 'GET', url: '/api/settings/isolation' }),
  },
  {
    route: 'PUT /api/settings/isolation',
    allowed: adminOnly,
    request: () => ({ method: 'PUT', url: '/api/settings/isolation', payload: DEFAULT_ISOLATION_SETTINGS }),
  },
  {
    route: 'GET /api/products/{id}/feedback',
    allowed: ['lead', 'pm', 'admin'],
    request: (f) => ({ method: 'GET', url: `/api/products/${f.productId}/feedback` }),
  },
  {
    route: 'GET /api/products/{id}/feedback.csv',
    allowed: ['lead', 'pm', 'admin'],
    request: (f) => ({ method: 'GET', url: `/api/products/${f.productId}/feedback.csv` }),
  },
];

/** Reading a restricted bomb: only the filer, its department, helpers, pms and admins; others 404. */
const RESTRICTED_READERS: readonly Role[] = ['field', 'member', 'pm', 'admin'];

let ctx: TestContext;
let fixture: Fixture;
let filer: Actor;
const actors = new Map<Role, Actor>();

beforeAll(async () => {
  ctx = await createTestContext();
  const ws = await createWorkspace(ctx);
  actors.set('field', ws.field);
  actors.set('member', ws.member);
  actors.set('lead', await createActor(ctx, 'lead', { leadOf: [ws.departments.production] }));
  actors.set('pm', ws.pm);
  actors.set('admin', ws.admin);
  filer = ws.otherField;
  const bomb = await fileBomb(ctx, ws.otherField);
  const restricted = await fileBomb(ctx, ws.field, { restricted: true, category: 'shipping' });
  const product = await ctx.app.inject({
    method: 'POST',
    url: '/api/products',
    headers: ws.admin.headers,
    payload: { name: 'Kumo', slug: 'kumo', stage: 'pilot' },
  });
  fixture = {
    bombId: bomb.id,
    restrictedBombId: restricted.id,
    personId: ws.docsMember.id,
    departmentId: ws.departments.logistics,
    productionId: ws.departments.production,
    buddyId: ws.member.id,
    productId: bodyOf(product, ProductResponseSchema).product.id,
    tokenId: bodyOf(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: ws.docsMember.headers,
        payload: { name: 'matrix' },
      }),
      TokenCreatedSchema,
    ).id,
  };
});
afterAll(() => ctx.close());

describe('the authorization matrix', () => {
  it('has a row for every route in the API', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    // Unsubscribe links carry their own signed proof (tested in notification-mail.test.ts).
    const PUBLIC = [
      'GET /api/health',
      'POST /api/session',
      'DELETE /api/session',
      'GET /api/notifications/unsubscribe',
      'POST /api/notifications/unsubscribe',
    ];
    const missing = routes.filter((r) => !PUBLIC.includes(r) && !MATRIX.some((row) => row.route === r));
    expect(missing).toEqual([]);
  });

  for (const row of MATRIX) {
    it(`${row.route}: ${row.allowed.length === ROLES.length ? 'every role' : row.allowed.join(', ')}`, async () => {
      for (const role of ROLES) {
        const actor = actors.get(role);
        if (!actor) throw new Error(`no ${role} actor`);
        const f = row.fresh ? { ...fixture, bombId: (await fileBomb(ctx, filer)).id } : fixture;
        const req = row.request(f, role);
        const res = await ctx.app.inject({ ...req, headers: { ...actor.headers, ...(req.headers ?? {}) } });
        if (row.allowed.includes(role)) {
          expect([401, 403], `${role} ${row.route} → ${res.statusCode} ${res.body.slice(0, 200)}`).not.toContain(
            res.statusCode,
          );
          expect(res.statusCode, `${role} ${row.route}`).toBeLessThan(500);
        } else {
          expect(res.statusCode, `${role} ${row.route}`).toBe(row.deniedStatus ?? 403);
        }
        const anonymous = await ctx.app.inject(row.request(f, role));
        expect(anonymous.statusCode, `anonymous ${row.route}`).toBe(401);
      }
    });
  }

  it('hides a restricted bomb (404) from every role that may not read it', async () => {
    for (const role of ROLES) {
      const actor = actors.get(role);
      if (!actor) throw new Error(`no ${role} actor`);
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/api/bombs/${fixture.restrictedBombId}`,
        headers: actor.headers,
      });
      expect(res.statusCode, role).toBe(RESTRICTED_READERS.includes(role) ? 200 : 404);
    }
  });
});
