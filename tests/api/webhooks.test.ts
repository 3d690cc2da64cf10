import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { departments } from '@defuse/drizzle';
import { deliverWebhooks } from '@defuse/server/commands/deliver-webhooks';
import { escalateDue } from '@defuse/server/commands/escalate-due';
import { WebhookDeliveriesResponseSchema } from '@defuse/shared';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advance, must } from '../helpers/actions.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createWorkspace, fileBomb } from '../helpers/factories.ts';
import { bodyOf } from '../helpers/inject.ts';

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;
let server: Server;
const received: { text: string }[] = [];
/** Answers to the next requests, in order; 200 once they run out. */
const script: number[] = [];

beforeAll(async () => {
  // The receiver listens on loopback, as OUTBOUND_ALLOW_PRIVATE=true allows.
  ctx = await createTestContext({ outbound: { allowPrivate: true } });
  ws = await createWorkspace(ctx);
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push(JSON.parse(body) as { text: string });
      res.statusCode = script.shift() ?? 200;
      res.end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  // Written directly: PATCH /api/departments/:id currently resets members when lists are omitted
  // (zod 4 applies the create schema's defaults inside .partial()); reported to the lead.
  await ctx.deps.db
    .update(departments)
    .set({ webhookUrl: `http://127.0.0.1:${port}/hook` })
    .where(eq(departments.id, ws.departments.logistics));
});
afterAll(async () => {
  server.close();
  await ctx.close();
});

const deliveries = async (actor = ws.admin) => {
  const res = await ctx.app.inject({ method: 'GET', url: '/api/webhooks/deliveries', headers: actor.headers });
  return {
    status: res.statusCode,
    items: res.statusCode === 200 ? bodyOf(res, WebhookDeliveriesResponseSchema).items : [],
  };
};

describe('department webhooks', () => {
  it('each escalation reaches the receiver once, retried with backoff after a 500', async () => {
    const bomb = await fileBomb(ctx, ws.field, { title: '納品遅延' });
    await advance(ctx, (Date.parse(bomb.claimDueAt ?? '') - ctx.clock.now().getTime()) / 1000);
    await escalateDue(ctx.deps);
    script.push(500);
    expect(await deliverWebhooks(ctx.deps)).toBe(1);
    expect(received).toHaveLength(1);
    let [log] = (await deliveries()).items;
    expect(log).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 500' });
    // Not yet due again: nothing is sent.
    expect(await deliverWebhooks(ctx.deps)).toBe(0);
    await advance(ctx, 10);
    expect(await deliverWebhooks(ctx.deps)).toBe(1);
    expect(await deliverWebhooks(ctx.deps)).toBe(0);
    expect(received).toHaveLength(2);
    expect(received[1]?.text).toContain(bomb.key);
    expect(received[1]?.text).toContain('Escalated to tier 1');
    expect(received[1]?.text).toContain('エスカレーション');
    [log] = (await deliveries()).items;
    expect(log).toMatchObject({ status: 'delivered', attempts: 2, lastError: null });
    // The next tier is a new escalation: one more message, once.
    await advance(ctx, 4 * 3600);
    await escalateDue(ctx.deps);
    await deliverWebhooks(ctx.deps);
    await deliverWebhooks(ctx.deps);
    expect(received).toHaveLength(3);
    expect(received[2]?.text).toContain('tier 2');
  });

  it('an ownership dispute is announced too', async () => {
    const bomb = await fileBomb(ctx, ws.field);
    await must(ctx, ws.member, bomb.id, 'decline', {
      reason: 'docs',
      suggestedDepartmentId: ws.departments.documentation,
    });
    await must(ctx, ws.docsMember, bomb.id, 'decline', {
      reason: 'back',
      suggestedDepartmentId: ws.departments.logistics,
    });
    const before = received.length;
    await deliverWebhooks(ctx.deps);
    expect(received.slice(before).map((m) => m.text.includes('Ownership dispute'))).toEqual([true]);
  });

  it('the delivery log is for admins only', async () => {
    expect((await deliveries(ws.pm)).status).toBe(403);
    const { status, items } = await deliveries();
    expect(status).toBe(200);
    expect(items.every((d) => d.departmentId === ws.departments.logistics)).toBe(true);
  });
});

describe('API docs', () => {
  it('the OpenAPI document lists the routing, policy, action and delivery-log routes', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys((res.json() as { paths: Record<string, unknown> }).paths);
    for (const p of [
      '/api/routing',
      '/api/departments/{id}/policy',
      '/api/settings/escalation',
      '/api/webhooks/deliveries',
      '/api/bombs/{id}/claim',
      '/api/bombs/{id}/decline',
      '/api/bombs/{id}/reroute',
      '/api/bombs/{id}/transition',
      '/api/bombs/{id}/comments',
      '/api/bombs/{id}/helpers',
      '/api/bombs/{id}/helpers/me',
    ]) {
      expect(paths).toContain(p);
    }
  });
});
