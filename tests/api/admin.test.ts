import {
  DepartmentListResponseSchema,
  DepartmentSavedSchema,
  PersonResponseSchema,
  ProductListResponseSchema,
  ProductResponseSchema,
} from '@defuse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createWorkspace } from '../helpers/factories.ts';
import { bodyOf, errorOf } from '../helpers/inject.ts';

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;

beforeAll(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
});
afterAll(() => ctx.close());

describe('admin endpoints', () => {
  it('show a webhook URL, which may hold its receiver’s secret, to admins only', async () => {
    const url = 'https://hooks.example.com/services/T000/B000/secret-part';
    const set = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/departments/${ws.departments.logistics}`,
      headers: ws.admin.headers,
      payload: { webhookUrl: url },
    });
    expect(set.statusCode).toBe(200);
    const seen = async (actor: { headers: Record<string, string> }) => {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/departments', headers: actor.headers });
      const { items } = bodyOf(res, DepartmentListResponseSchema);
      return items.find((d) => d.id === ws.departments.logistics)?.webhookUrl;
    };
    expect(await seen(ws.admin)).toBe(url);
    for (const actor of [ws.pm, ws.lead, ws.member]) expect(await seen(actor)).toBeNull();
  });

  it('are refused to every role but admin', async () => {
    const writes = [
      {
        method: 'POST' as const,
        url: '/api/people',
        payload: { name: 'X', email: 'x@example.test', role: 'field', password: 'password123' },
      },
      { method: 'POST' as const, url: '/api/departments', payload: { name: 'Legal', slug: 'legal' } },
      { method: 'POST' as const, url: '/api/products', payload: { name: 'P', slug: 'p', stage: 'pilot' } },
      { method: 'PATCH' as const, url: `/api/people/${ws.field.id}`, payload: { role: 'admin' } },
    ];
    for (const actor of [ws.field, ws.member, ws.lead, ws.pm]) {
      for (const w of writes) {
        const res = await ctx.app.inject({ ...w, headers: actor.headers });
        expect(res.statusCode, `${actor.role} ${w.method} ${w.url}`).toBe(403);
        expect(errorOf(res).code).toBe('forbidden');
      }
    }
  });

  it('create and update departments with leads and members', async () => {
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/departments',
      headers: ws.admin.headers,
      payload: { name: '法務 Legal', slug: 'legal', leadIds: [ws.lead.id], memberIds: [ws.member.id] },
    });
    expect(created.statusCode).toBe(201);
    const { department } = bodyOf(created, DepartmentSavedSchema);
    expect(department).toMatchObject({
      name: '法務 Legal',
      slug: 'legal',
      leadIds: [ws.lead.id],
      memberIds: [ws.member.id],
    });
    const patched = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/departments/${department.id}`,
      headers: ws.admin.headers,
      payload: { memberIds: [] },
    });
    expect(bodyOf(patched, DepartmentSavedSchema).department.memberIds).toEqual([]);
    const me = await ctx.app.inject({ method: 'GET', url: '/api/me', headers: ws.lead.headers });
    expect(bodyOf(me, PersonResponseSchema).person.departmentIds).toContain(department.id);
    const dup = await ctx.app.inject({
      method: 'POST',
      url: '/api/departments',
      headers: ws.admin.headers,
      payload: { name: 'Again', slug: 'legal' },
    });
    expect(dup.statusCode).toBe(409);
    expect(errorOf(dup).fields?.[0]?.path).toBe('slug');
    const ghost = await ctx.app.inject({
      method: 'POST',
      url: '/api/departments',
      headers: ws.admin.headers,
      payload: { name: 'Ghosts', slug: 'ghosts', memberIds: ['00000000-0000-4000-8000-000000000000'] },
    });
    expect(ghost.statusCode).toBe(400);
    expect(errorOf(ghost).fields?.[0]?.path).toBe('memberIds');
  });

  it('create people, refuse duplicate emails, and update roles', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/people',
      headers: ws.admin.headers,
      payload: {
        name: 'Jo Field',
        email: 'Jo@Example.test',
        role: 'field',
        password: 'password123',
        locale: 'en',
        departmentIds: [],
      },
    });
    expect(res.statusCode).toBe(201);
    const { person } = bodyOf(res, PersonResponseSchema);
    expect(person).toMatchObject({ email: 'jo@example.test', role: 'field', locale: 'en', disabled: false });
    expect(JSON.stringify(res.json())).not.toMatch(/password/i);
    const dup = await ctx.app.inject({
      method: 'POST',
      url: '/api/people',
      headers: ws.admin.headers,
      payload: { name: 'Jo again', email: 'jo@example.test', role: 'field', password: 'password123' },
    });
    expect(dup.statusCode).toBe(409);
    const promoted = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/people/${person.id}`,
      headers: ws.admin.headers,
      payload: { role: 'lead' },
    });
    expect(bodyOf(promoted, PersonResponseSchema).person.role).toBe('lead');
    const empty = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/people/${person.id}`,
      headers: ws.admin.headers,
      payload: {},
    });
    expect(empty.statusCode).toBe(200);
    const unknown = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/people/00000000-0000-4000-8000-000000000000',
      headers: ws.admin.headers,
      payload: { name: 'x' },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('create and update products', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/products',
      headers: ws.admin.headers,
      payload: { name: '雲センサー', slug: 'kumo', stage: 'pilot', pmId: ws.pm.id },
    });
    expect(res.statusCode).toBe(201);
    const { product } = bodyOf(res, ProductResponseSchema);
    const patched = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/products/${product.id}`,
      headers: ws.admin.headers,
      payload: { stage: 'launch' },
    });
    expect(bodyOf(patched, ProductResponseSchema).product.stage).toBe('launch');
    const list = await ctx.app.inject({ method: 'GET', url: '/api/products', headers: ws.field.headers });
    expect(bodyOf(list, ProductListResponseSchema).items.map((p) => p.slug)).toContain('kumo');
  });

  it('lets a person change their own locale and nothing else', async () => {
    const res = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/me',
      headers: ws.field.headers,
      payload: { locale: 'en' },
    });
    expect(bodyOf(res, PersonResponseSchema).person.locale).toBe('en');
    const sneaky = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/me',
      headers: ws.field.headers,
      payload: { locale: 'ja', role: 'admin' },
    });
    expect(sneaky.statusCode).toBe(400);
    expect(errorOf(sneaky).fields?.map((f) => f.path)).toEqual(['role']);
  });
});
