import { bombs, events, idempotencyKeys } from '@defuse/drizzle';
import {
  ApiErrorSchema,
  type Bomb,
  BombDetailResponseSchema,
  BombListResponseSchema,
  BombResponseSchema,
  EventsResponseSchema,
  TokenCreatedSchema,
} from '@defuse/shared';
import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf } from '../helpers/actions.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { hours } from '../helpers/clock.ts';
import { bombInput, createProduct, createWorkspace, fileBomb } from '../helpers/factories.ts';
import { bodyOf, errorOf } from '../helpers/inject.ts';

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;

beforeAll(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
});
afterAll(() => ctx.close());

const post = (headers: Record<string, string>, payload: unknown, extra: Record<string, string> = {}) =>
  ctx.app.inject({ method: 'POST', url: '/api/bombs', headers: { ...headers, ...extra }, payload: payload as object });

const countBombs = async () => (await ctx.deps.db.select({ n: count() }).from(bombs))[0]?.n ?? 0;

describe('filing a bomb', () => {
  it('answers 201 with the bomb already routed, keyed and due, plus filed and routed events', async () => {
    const res = await post(
      ws.field.headers,
      bombInput({ title: '納期に届かない', severity: 'high', customer: '北陸物産' }),
    );
    expect(res.statusCode).toBe(201);
    const { bomb } = bodyOf(res, BombResponseSchema);
    expect(bomb.key).toMatch(/^SHIP-\d+$/);
    expect(bomb.status).toBe('open');
    expect(bomb.departmentId).toBe(ws.departments.logistics);
    expect(bomb.filedById).toBe(ws.field.id);
    expect(bomb.customer).toBe('北陸物産');
    // default policy: high must be claimed within 4 hours of filing
    expect(new Date(bomb.claimDueAt ?? 0).getTime() - new Date(bomb.createdAt).getTime()).toBe(hours(4) * 1000);

    const detail = await ctx.app.inject({ method: 'GET', url: `/api/bombs/${bomb.id}`, headers: ws.field.headers });
    const { bomb: stored, events: timeline } = bodyOf(detail, BombDetailResponseSchema);
    // filing answers the row it wrote without reading it back: it must be the row stored
    expect(stored).toEqual(bomb);
    expect(timeline.map((e) => e.type)).toEqual(['bomb.filed', 'bomb.routed']);
    expect(dataOf(timeline[0], 'bomb.filed').bomb).toEqual(bomb);
    expect(dataOf(timeline[1], 'bomb.routed').departmentId).toBe(ws.departments.logistics);
    expect(timeline[0]?.seq).toBeLessThan(timeline[1]?.seq ?? 0);
  });

  it('routes by category defaults: a manual bomb goes to documentation with a MAN key', async () => {
    const bomb = await fileBomb(ctx, ws.field, { category: 'manual', title: '取説がわからない' });
    expect(bomb.key).toMatch(/^MAN-\d+$/);
    expect(bomb.departmentId).toBe(ws.departments.documentation);
  });

  it('answers field-level 400s and writes nothing', async () => {
    const before = await countBombs();
    const res = await post(ws.field.headers, {
      title: '',
      category: 'weather',
      severity: 'normal',
      description: 'x'.repeat(10_001),
      departmentId: ws.departments.production,
      tier: 3,
    });
    expect(res.statusCode).toBe(400);
    const body = bodyOf(res, ApiErrorSchema);
    expect(body.error.code).toBe('validation_failed');
    const paths = (body.error.fields ?? []).map((f) => f.path).sort();
    expect(paths).toEqual(['category', 'departmentId', 'description', 'tier', 'title']);
    expect(await countBombs()).toBe(before);
  });

  it('rejects an unknown product as a field error', async () => {
    const res = await post(ws.field.headers, bombInput({ productId: '00000000-0000-4000-8000-000000000000' }));
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).fields).toEqual([{ path: 'productId', message: 'No such product' }]);
  });

  it('keeps a known product', async () => {
    const productId = await createProduct(ctx);
    expect((await fileBomb(ctx, ws.field, { productId })).productId).toBe(productId);
  });

  it('needs a sign-in', async () => {
    const res = await post({}, bombInput());
    expect(res.statusCode).toBe(401);
    expect(errorOf(res).code).toBe('unauthenticated');
  });

  it('works with a bearer token and no Origin', async () => {
    const token = await ctx.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: ws.field.headers,
      payload: { name: 'crm' },
    });
    expect(token.statusCode).toBe(201);
    const { token: secret } = bodyOf(token, TokenCreatedSchema);
    const res = await post({ authorization: `Bearer ${secret}` }, bombInput());
    expect(res.statusCode).toBe(201);
    expect(bodyOf(res, BombResponseSchema).bomb.filedById).toBe(ws.field.id);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body, creating nothing twice', async () => {
    const before = await countBombs();
    const first = await post(ws.field.headers, bombInput({ title: 'replay me' }), { 'idempotency-key': 'k-replay-1' });
    const second = await post(ws.field.headers, bombInput({ title: 'replay me' }), { 'idempotency-key': 'k-replay-1' });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotency-replayed']).toBe('true');
    expect(first.headers['idempotency-replayed']).toBeUndefined();
    expect(bodyOf(second, BombResponseSchema).bomb.id).toBe(bodyOf(first, BombResponseSchema).bomb.id);
    expect(await countBombs()).toBe(before + 1);
  });

  it('answers 422 for the same key with another body', async () => {
    await post(ws.field.headers, bombInput({ title: 'one' }), { 'idempotency-key': 'k-reuse' });
    const res = await post(ws.field.headers, bombInput({ title: 'two' }), { 'idempotency-key': 'k-reuse' });
    expect(res.statusCode).toBe(422);
    expect(errorOf(res).code).toBe('idempotency_key_reused');
  });

  it('scopes keys to the caller: another person with the same key files their own bomb', async () => {
    const a = await post(ws.field.headers, bombInput({ title: 'mine' }), { 'idempotency-key': 'k-shared' });
    const b = await post(ws.otherField.headers, bombInput({ title: 'mine' }), { 'idempotency-key': 'k-shared' });
    expect(b.statusCode).toBe(201);
    expect(b.headers['idempotency-replayed']).toBeUndefined();
    expect(bodyOf(b, BombResponseSchema).bomb.id).not.toBe(bodyOf(a, BombResponseSchema).bomb.id);
    expect(bodyOf(b, BombResponseSchema).bomb.filedById).toBe(ws.otherField.id);
  });

  it('creates exactly one bomb from parallel requests with one key', async () => {
    const before = await countBombs();
    const responses = await Promise.all(
      Array.from({ length: 12 }, () =>
        post(ws.field.headers, bombInput({ title: 'parallel' }), { 'idempotency-key': 'k-parallel' }),
      ),
    );
    const codes = responses.map((r) => r.statusCode);
    expect(codes.every((c) => c === 201 || c === 409)).toBe(true);
    for (const r of responses.filter((x) => x.statusCode === 409)) {
      expect(errorOf(r).code).toBe('idempotency_in_progress');
    }
    const ids = new Set(
      responses.filter((r) => r.statusCode === 201).map((r) => bodyOf(r, BombResponseSchema).bomb.id),
    );
    expect(ids.size).toBe(1);
    expect(await countBombs()).toBe(before + 1);
    const [stored] = await ctx.deps.db
      .select({ n: count() })
      .from(idempotencyKeys)
      .where(eq(idempotencyKeys.key, 'k-parallel'));
    expect(stored?.n).toBe(1);
  });

  it('rejects a malformed key with a field error', async () => {
    const res = await post(ws.field.headers, bombInput(), { 'idempotency-key': 'has space' });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).fields?.[0]?.path).toBe('headers.idempotency-key');
  });
});

describe('restricted bombs', () => {
  let secret: Bomb;
  beforeAll(async () => {
    secret = await fileBomb(ctx, ws.field, {
      title: 'confidential contract terms',
      restricted: true,
      category: 'shipping',
    });
  });

  it('are readable by the filer, the routed department, pms and admins', async () => {
    for (const actor of [ws.field, ws.member, ws.lead, ws.pm, ws.admin]) {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/bombs/${secret.id}`, headers: actor.headers });
      expect(res.statusCode, actor.role).toBe(200);
    }
  });

  it('are 404 to others, and absent from their lists and searches', async () => {
    for (const actor of [ws.otherField, ws.docsMember]) {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/bombs/${secret.id}`, headers: actor.headers });
      expect(res.statusCode).toBe(404);
      const list = await ctx.app.inject({
        method: 'GET',
        url: '/api/bombs?q=confidential&limit=200',
        headers: actor.headers,
      });
      expect(bodyOf(list, BombListResponseSchema).items.map((b) => b.id)).not.toContain(secret.id);
      const events = await ctx.app.inject({
        method: 'GET',
        url: '/api/events?after=0&limit=1000',
        headers: actor.headers,
      });
      expect(bodyOf(events, EventsResponseSchema).events.some((e) => e.bombId === secret.id)).toBe(false);
    }
    const own = await ctx.app.inject({ method: 'GET', url: '/api/bombs?q=confidential', headers: ws.field.headers });
    expect(bodyOf(own, BombListResponseSchema).items.map((b) => b.id)).toContain(secret.id);
  });
});

describe('listing', () => {
  it('filters, searches (Japanese too) and pages with a cursor without overlap', async () => {
    const lister = await createTestContext();
    try {
      const w = await createWorkspace(lister);
      const filed: Bomb[] = [];
      for (let i = 0; i < 7; i++) {
        lister.clock.advance(60);
        filed.push(
          await fileBomb(lister, w.field, { title: `出荷遅延 ${i}`, category: i % 2 ? 'shipping' : 'manual' }),
        );
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/bombs?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const page = bodyOf(
          await lister.app.inject({ method: 'GET', url, headers: w.pm.headers }),
          BombListResponseSchema,
        );
        seen.push(...page.items.map((b) => b.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(filed.map((b) => b.id).reverse());

      const shipping = bodyOf(
        await lister.app.inject({
          method: 'GET',
          url: '/api/bombs?category=shipping&status=open,claimed',
          headers: w.pm.headers,
        }),
        BombListResponseSchema,
      );
      expect(shipping.items).toHaveLength(3);
      const search = bodyOf(
        await lister.app.inject({
          method: 'GET',
          url: `/api/bombs?q=${encodeURIComponent('遅延 4')}`,
          headers: w.pm.headers,
        }),
        BombListResponseSchema,
      );
      expect(search.items.map((b) => b.title)).toEqual(['出荷遅延 4']);
      const queue = bodyOf(
        await lister.app.inject({
          method: 'GET',
          url: `/api/bombs?departmentId=${w.departments.logistics}&sort=claimDue`,
          headers: w.pm.headers,
        }),
        BombListResponseSchema,
      );
      const dues = queue.items.map((b) => b.claimDueAt ?? '');
      expect(dues).toEqual([...dues].sort());
      expect(queue.items.every((b) => b.departmentId === w.departments.logistics)).toBe(true);
    } finally {
      await lister.close();
    }
  });

  it('answers 400 for bad filters and a forged cursor', async () => {
    for (const url of [
      '/api/bombs?status=open,exploded',
      '/api/bombs?limit=100000',
      '/api/bombs?cursor=not-base64-json',
      '/api/bombs?departmentId=nope',
      '/api/bombs?sort=password',
    ]) {
      const res = await ctx.app.inject({ method: 'GET', url, headers: ws.pm.headers });
      expect(res.statusCode, url).toBe(400);
      expect(errorOf(res).code).toBe('validation_failed');
    }
    // well-formed JSON of the wrong shape is refused like garbage, naming the field
    const id = ws.field.id;
    for (const key of [{ v: 'yesterday', id }, { v: null, id: 'x' }, { id }, [null, id], null]) {
      const cursor = Buffer.from(JSON.stringify(key)).toString('base64url');
      const res = await ctx.app.inject({ method: 'GET', url: `/api/bombs?cursor=${cursor}`, headers: ws.pm.headers });
      expect(res.statusCode, JSON.stringify(key)).toBe(400);
      expect(errorOf(res).fields?.map((f) => f.path)).toEqual(['query.cursor']);
    }
  });
});

describe('atomicity', () => {
  it('leaves no bomb behind when a write fails half-way through the change', async () => {
    const before = await countBombs();
    const [{ n: eventsBefore } = { n: 0 }] = await ctx.deps.db.select({ n: count() }).from(events);
    // A real failure inside the database after the bomb row is written: the event insert raises.
    await ctx.deps.db.execute(
      sql`create function fail_events() returns trigger language plpgsql as $$ begin raise exception 'disk on fire'; end $$`,
    );
    await ctx.deps.db.execute(
      sql`create trigger fail_events before insert on events for each row execute function fail_events()`,
    );
    try {
      const res = await post(ws.field.headers, bombInput({ title: 'half-way' }), { 'idempotency-key': 'k-half' });
      expect(res.statusCode).toBe(500);
      const body = bodyOf(res, ApiErrorSchema);
      expect(body.error.code).toBe('internal_error');
      // the raw body: parsing drops unknown keys, and a leak could hide in one
      expect(res.body).not.toMatch(/disk on fire|events|trigger|postgres/i);
      expect(body.error.requestId).toBeTruthy();
    } finally {
      await ctx.deps.db.execute(sql`drop trigger fail_events on events`);
      await ctx.deps.db.execute(sql`drop function fail_events`);
    }
    expect(await countBombs()).toBe(before);
    const [{ n: eventsAfter } = { n: 0 }] = await ctx.deps.db.select({ n: count() }).from(events);
    expect(eventsAfter).toBe(eventsBefore);
    // the key was rolled back with the change: a retry files the bomb once
    const retry = await post(ws.field.headers, bombInput({ title: 'half-way' }), { 'idempotency-key': 'k-half' });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotency-replayed']).toBeUndefined();
    expect(await countBombs()).toBe(before + 1);
  });
});
