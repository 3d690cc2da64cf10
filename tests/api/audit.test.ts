import { events } from '@defuse/drizzle';
import {
  type AdminEventType,
  DEFAULT_ISOLATION_SETTINGS,
  DEFAULT_POLICY,
  type DefuseEvent,
  EventsResponseSchema,
  ProductResponseSchema,
  TokenCreatedSchema,
} from '@defuse/shared';
import { and, asc, desc, gt, like } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf } from '../helpers/actions.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createWorkspace } from '../helpers/factories.ts';
import { bodyOf } from '../helpers/inject.ts';

/**
 * Every admin change writes exactly one admin.* event in its own transaction (docs/api.md "Audit");
 * a change that fails writes none. Every route that changes something is either a row of
 * AUDITED or named in NOT_ADMIN: a new mutation route fails the first test until it is one of them.
 */
let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;
const uniq = () => Math.random().toString(36).slice(2, 8);

type Row = {
  route: string;
  type: AdminEventType;
  /** A change that goes through. */
  request: () => InjectOptions;
  /** A change refused after it began (a conflict, an unknown id): no event. */
  failing: () => InjectOptions;
  /** What the event must say about the change. */
  check?: (event: DefuseEvent) => void;
};

const AUDITED: Row[] = [
  {
    route: 'POST /api/people',
    type: 'admin.person_created',
    request: () => ({
      method: 'POST',
      url: '/api/people',
      payload: { name: 'Sato', email: `${uniq()}@example.test`, role: 'member', password: 'password123' },
    }),
    failing: () => ({
      method: 'POST',
      url: '/api/people',
      payload: { name: 'Dup', email: ws.member.email, role: 'member', password: 'password123' },
    }),
    check: (e) => {
      const data = dataOf(e, 'admin.person_created');
      expect(data.after).toMatchObject({ name: 'Sato', role: 'member', disabled: false });
      expect(JSON.stringify(data)).not.toContain('password');
    },
  },
  {
    route: 'PATCH /api/people/{id}',
    type: 'admin.person_updated',
    request: () => ({
      method: 'PATCH',
      url: `/api/people/${ws.docsMember.id}`,
      payload: { role: 'lead', password: 'another password' },
    }),
    failing: () => ({ method: 'PATCH', url: `/api/people/${ws.docsMember.id}`, payload: { email: ws.member.email } }),
    check: (e) => {
      const data = dataOf(e, 'admin.person_updated');
      expect(data).toEqual({
        personId: ws.docsMember.id,
        changed: ['role'],
        before: { role: 'member' },
        after: { role: 'lead' },
        passwordChanged: true,
      });
    },
  },
  {
    route: 'POST /api/departments',
    type: 'admin.department_created',
    request: () => ({
      method: 'POST',
      url: '/api/departments',
      payload: { name: 'QA', slug: `qa-${uniq()}`, webhookUrl: 'https://hooks.example.test/secret-token' },
    }),
    failing: () => ({ method: 'POST', url: '/api/departments', payload: { name: 'Dup', slug: 'logistics' } }),
    check: (e) => {
      const data = dataOf(e, 'admin.department_created');
      expect(data.after.webhookOrigin).toBe('https://hooks.example.test');
      expect(JSON.stringify(data)).not.toContain('secret-token');
    },
  },
  {
    route: 'PATCH /api/departments/{id}',
    type: 'admin.department_updated',
    request: () => ({
      method: 'PATCH',
      url: `/api/departments/${ws.departments.documentation}`,
      payload: { name: `Docs ${uniq()}`, webhookUrl: 'https://hooks.example.test/other-secret' },
    }),
    failing: () => ({
      method: 'PATCH',
      url: `/api/departments/${ws.departments.documentation}`,
      payload: { name: 'Half', memberIds: ['00000000-0000-4000-8000-000000000009'] },
    }),
    check: (e) => {
      const data = dataOf(e, 'admin.department_updated');
      expect(data.changed).toEqual(['name', 'webhookOrigin']);
      expect(data.after.webhookOrigin).toBe('https://hooks.example.test');
      expect(JSON.stringify(data)).not.toContain('other-secret');
    },
  },
  {
    route: 'POST /api/products',
    type: 'admin.product_created',
    request: () => ({
      method: 'POST',
      url: '/api/products',
      payload: { name: 'Kumo', slug: `kumo-${uniq()}`, stage: 'pilot' },
    }),
    failing: () => ({
      method: 'POST',
      url: '/api/products',
      payload: { name: 'X', slug: `x-${uniq()}`, stage: 'pilot', pmId: '00000000-0000-4000-8000-000000000009' },
    }),
  },
  {
    route: 'PATCH /api/products/{id}',
    type: 'admin.product_updated',
    request: () => ({ method: 'PATCH', url: `/api/products/${productId}`, payload: { stage: 'launch' } }),
    failing: () => ({
      method: 'PATCH',
      url: `/api/products/${productId}`,
      payload: { stage: 'ga', pmId: '00000000-0000-4000-8000-000000000009' },
    }),
    check: (e) =>
      expect(dataOf(e, 'admin.product_updated')).toMatchObject({
        changed: ['stage'],
        before: { stage: 'pilot' },
        after: { stage: 'launch' },
      }),
  },
  {
    route: 'PUT /api/routing',
    type: 'admin.routing_updated',
    request: () => ({
      method: 'PUT',
      url: '/api/routing',
      payload: {
        rules: [{ when: { categories: ['manual'] }, departmentId: ws.departments.documentation }],
        fallbackDepartmentId: ws.departments.logistics,
      },
    }),
    failing: () => ({
      method: 'PUT',
      url: '/api/routing',
      payload: { rules: [], fallbackDepartmentId: '00000000-0000-4000-8000-000000000009' },
    }),
    check: (e) => expect(dataOf(e, 'admin.routing_updated').after.rules).toHaveLength(1),
  },
  {
    route: 'PUT /api/departments/{id}/policy',
    type: 'admin.policy_updated',
    request: () => ({
      method: 'PUT',
      url: `/api/departments/${ws.departments.logistics}/policy`,
      payload: { ...DEFAULT_POLICY, idleSeconds: 7200 },
    }),
    failing: () => ({
      method: 'PUT',
      url: '/api/departments/00000000-0000-4000-8000-000000000009/policy',
      payload: DEFAULT_POLICY,
    }),
    check: (e) => {
      const data = dataOf(e, 'admin.policy_updated');
      expect(data.changed).toEqual(['idleSeconds']);
      expect([data.before.idleSeconds, data.after.idleSeconds]).toEqual([DEFAULT_POLICY.idleSeconds, 7200]);
    },
  },
  {
    route: 'PUT /api/settings/escalation',
    type: 'admin.escalation_settings_updated',
    request: () => ({ method: 'PUT', url: '/api/settings/escalation', payload: { bounceLimit: 5 } }),
    failing: () => ({ method: 'PUT', url: '/api/settings/escalation', payload: { bounceLimit: 0 } }),
    check: (e) =>
      expect(dataOf(e, 'admin.escalation_settings_updated')).toMatchObject({
        changed: ['bounceLimit'],
        after: { bounceLimit: 5 },
      }),
  },
  {
    route: 'PUT /api/settings/isolation',
    type: 'admin.isolation_settings_updated',
    request: () => ({
      method: 'PUT',
      url: '/api/settings/isolation',
      payload: { ...DEFAULT_ISOLATION_SETTINGS, watchScore: DEFAULT_ISOLATION_SETTINGS.watchScore - 5 },
    }),
    failing: () => ({
      method: 'PUT',
      url: '/api/settings/isolation',
      payload: { ...DEFAULT_ISOLATION_SETTINGS, watchScore: 90, isolatedScore: 10 },
    }),
    check: (e) => expect(dataOf(e, 'admin.isolation_settings_updated').changed).toEqual(['watchScore']),
  },
  {
    route: 'DELETE /api/tokens/{id}',
    type: 'admin.token_revoked',
    request: () => ({ method: 'DELETE', url: `/api/tokens/${memberTokenId}` }),
    failing: () => ({ method: 'DELETE', url: '/api/tokens/00000000-0000-7000-8000-000000000000' }),
    check: (e) =>
      expect(dataOf(e, 'admin.token_revoked')).toEqual({ tokenId: memberTokenId, personId: ws.member.id, name: 'crm' }),
  },
];

/** Routes that change something but are not admin changes, each with why. */
const NOT_ADMIN: Record<string, string> = {
  'POST /api/session': 'signing in',
  'DELETE /api/session': 'signing out',
  'PATCH /api/me': 'a person’s own language',
  'POST /api/tokens': 'a person’s own API token',
  'POST /api/notifications/read': 'a person’s own inbox',
  'PUT /api/me/notifications': 'a person’s own notification preferences',
  'POST /api/notifications/unsubscribe': 'a person’s own preference, by a signed link',
  'POST /api/bombs': 'filing: bomb.filed',
  'POST /api/bombs/{id}/claim': 'bomb action: bomb.* events',
  'POST /api/bombs/{id}/decline': 'bomb action: bomb.* events',
  'POST /api/bombs/{id}/reroute': 'bomb action: bomb.* events',
  'POST /api/bombs/{id}/transition': 'bomb action: bomb.* events',
  'POST /api/bombs/{id}/comments': 'bomb action: bomb.* events',
  'POST /api/bombs/{id}/helpers': 'bomb action: bomb.* events',
  'DELETE /api/bombs/{id}/helpers/me': 'bomb action: bomb.* events',
  'POST /api/isolation/{personId}/buddy': 'a pm’s care for a person: person.buddy_assigned',
};

let productId = '';
/** A member's token, revoked by the admin in the DELETE /api/tokens/{id} row. */
let memberTokenId = '';

beforeAll(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/products',
    headers: ws.admin.headers,
    payload: { name: 'Aqua', slug: 'aqua', stage: 'pilot' },
  });
  productId = bodyOf(res, ProductResponseSchema).product.id;
  const token = await ctx.app.inject({
    method: 'POST',
    url: '/api/tokens',
    headers: ws.member.headers,
    payload: { name: 'crm' },
  });
  memberTokenId = bodyOf(token, TokenCreatedSchema).id;
});
afterAll(() => ctx.close());

const adminEventsAfter = async (seq: number) =>
  ctx.deps.db
    .select()
    .from(events)
    .where(and(gt(events.seq, seq), like(events.type, 'admin.%')))
    .orderBy(asc(events.seq));
const lastSeq = async () => {
  const [last] = await ctx.deps.db.select({ seq: events.seq }).from(events).orderBy(desc(events.seq)).limit(1);
  return last?.seq ?? 0;
};

describe('the audit trail', () => {
  it('knows every route that changes something: audited, or named as not an admin change', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const changing = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => m !== 'get' && m !== 'head')
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    const unknown = changing.filter((r) => !(r in NOT_ADMIN) && !AUDITED.some((row) => row.route === r));
    expect(unknown).toEqual([]);
  });

  for (const row of AUDITED) {
    it(`${row.route} writes one ${row.type} naming its actor; a failing one writes none`, async () => {
      const before = await lastSeq();
      const ok = await ctx.app.inject({ ...row.request(), headers: ws.admin.headers });
      expect(ok.statusCode, ok.body.slice(0, 300)).toBeLessThan(300);
      const written = await adminEventsAfter(before);
      expect(written.map((e) => e.type)).toEqual([row.type]);
      expect(written[0]).toMatchObject({ actorId: ws.admin.id, bombId: null });

      const listed = await ctx.app.inject({
        method: 'GET',
        url: `/api/audit?after=${before}`,
        headers: ws.admin.headers,
      });
      const [event] = bodyOf(listed, EventsResponseSchema).events;
      expect(event?.type).toBe(row.type);
      if (event) row.check?.(event);

      const mid = await lastSeq();
      const refused = await ctx.app.inject({ ...row.failing(), headers: ws.admin.headers });
      expect(refused.statusCode, refused.body.slice(0, 300)).toBeGreaterThanOrEqual(400);
      expect(refused.statusCode).toBeLessThan(500);
      expect(await adminEventsAfter(mid)).toEqual([]);
    });
  }

  it('a person revoking their own token writes no admin event', async () => {
    const token = await ctx.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: ws.member.headers,
      payload: { name: 'own' },
    });
    const before = await lastSeq();
    const res = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/tokens/${bodyOf(token, TokenCreatedSchema).id}`,
      headers: ws.member.headers,
    });
    expect(res.statusCode).toBe(204);
    expect(await adminEventsAfter(before)).toEqual([]);
  });

  it('a lead setting its department’s policy is named as the actor', async () => {
    const before = await lastSeq();
    const res = await ctx.app.inject({
      method: 'PUT',
      url: `/api/departments/${ws.departments.logistics}/policy`,
      headers: ws.lead.headers,
      payload: { ...DEFAULT_POLICY, idleSeconds: 3600 },
    });
    expect(res.statusCode).toBe(200);
    expect((await adminEventsAfter(before)).map((e) => [e.type, e.actorId])).toEqual([
      ['admin.policy_updated', ws.lead.id],
    ]);
  });

  it('is for admins only: 403 to a pm, and /api/events keeps admin events from everyone else', async () => {
    for (const actor of [ws.pm, ws.lead, ws.member]) {
      for (const url of ['/api/audit', '/api/audit.csv']) {
        expect((await ctx.app.inject({ method: 'GET', url, headers: actor.headers })).statusCode).toBe(403);
      }
    }
    const typesFor = async (headers: Record<string, string>) => {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/events?limit=1000', headers });
      return bodyOf(res, EventsResponseSchema).events.map((e) => e.type);
    };
    expect((await typesFor(ws.pm.headers)).filter((t) => t.startsWith('admin.'))).toEqual([]);
    expect((await typesFor(ws.member.headers)).filter((t) => t.startsWith('admin.'))).toEqual([]);
    expect((await typesFor(ws.admin.headers)).filter((t) => t.startsWith('admin.')).length).toBeGreaterThan(0);
  });

  it('pages with after and limit, and exports CSV with a BOM and formula cells escaped', async () => {
    await ctx.app.inject({
      method: 'PATCH',
      url: `/api/people/${ws.admin.id}`,
      headers: ws.admin.headers,
      payload: { name: '=HYPERLINK("http://evil.test")' },
    });
    const first = bodyOf(
      await ctx.app.inject({ method: 'GET', url: '/api/audit?after=0&limit=2', headers: ws.admin.headers }),
      EventsResponseSchema,
    );
    expect(first.events).toHaveLength(2);
    expect(first.lastSeq).toBe(first.events[1]?.seq);
    const next = bodyOf(
      await ctx.app.inject({
        method: 'GET',
        url: `/api/audit?after=${first.lastSeq}&limit=2`,
        headers: ws.admin.headers,
      }),
      EventsResponseSchema,
    );
    expect(next.events[0]?.seq).toBeGreaterThan(first.lastSeq);

    const csv = await ctx.app.inject({ method: 'GET', url: '/api/audit.csv', headers: ws.admin.headers });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    const lines = csv.body.slice(1).trim().split('\r\n');
    expect(lines.length).toBeGreaterThan(AUDITED.length);
    const renamed = lines.at(-1) ?? '';
    expect(renamed).toContain(`"'=HYPERLINK(""http://evil.test"")"`);
    expect(renamed).toContain('admin.person_updated');
    expect(csv.body).not.toContain('secret-token');
  });
});
