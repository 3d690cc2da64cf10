import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { departments } from '@defuse/drizzle';
import { deliverWebhooks } from '@defuse/server/commands/deliver-webhooks';
import { escalateDue } from '@defuse/server/commands/escalate-due';
import { postPinned } from '@defuse/server/outbound/post-pinned';
import { checkTarget } from '@defuse/server/outbound/target-guard';
import { DepartmentSavedSchema, WebhookDeliveriesResponseSchema, type WebhookDelivery } from '@defuse/shared';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advance } from '../helpers/actions.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createWorkspace, fileBomb } from '../helpers/factories.ts';
import { bodyOf, errorOf } from '../helpers/inject.ts';

/** docs/security.md check 24: webhooks never aim inward unless configured, and carry a signature. */
let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;
let receiver: Server;
let port: number;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.end('ok');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  port = (receiver.address() as AddressInfo).port;
});
afterAll(async () => {
  receiver.close();
  await ctx.close();
});

const setWebhook = (url: string) =>
  ctx.app.inject({
    method: 'PATCH',
    url: `/api/departments/${ws.departments.logistics}`,
    headers: ws.admin.headers,
    payload: { webhookUrl: url },
  });

/** Files a shipping bomb (routed to logistics), lets it pass its deadline and sends what is due. */
async function escalateOnce(): Promise<WebhookDelivery | undefined> {
  const bomb = await fileBomb(ctx, ws.field);
  await advance(ctx, (Date.parse(bomb.claimDueAt ?? '') - ctx.clock.now().getTime()) / 1000 + 1);
  await escalateDue(ctx.deps);
  await deliverWebhooks(ctx.deps);
  const res = await ctx.app.inject({ method: 'GET', url: '/api/webhooks/deliveries', headers: ws.admin.headers });
  return bodyOf(res, WebhookDeliveriesResponseSchema).items.find((d) => d.payload.text.includes(bomb.key));
}

describe('webhook targets', () => {
  it('refuses inward targets when saved: 400 naming webhookUrl, on create and on change', async () => {
    for (const url of [
      `http://127.0.0.1:${port}/hook`,
      'http://10.0.0.5/hook',
      'http://172.20.1.1/',
      'http://192.168.0.10/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[::1]/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
      'http://[::ffff:127.0.0.1]/',
      `http://localhost:${port}/hook`,
      'ftp://example.com/',
    ]) {
      const created = await ctx.app.inject({
        method: 'POST',
        url: '/api/departments',
        headers: ws.admin.headers,
        payload: {
          name: 'Hooked',
          slug: `hooked-${received.length}-${Math.random().toString(36).slice(2, 7)}`,
          webhookUrl: url,
        },
      });
      expect(created.statusCode, url).toBe(400);
      expect(
        errorOf(created).fields?.map((f) => f.path),
        url,
      ).toEqual(['webhookUrl']);
      const changed = await setWebhook(url);
      expect(changed.statusCode, url).toBe(400);
      expect(
        errorOf(changed).fields?.map((f) => f.path),
        url,
      ).toEqual(['webhookUrl']);
    }
  });

  it('gives a public target a signing secret, shown once and never listed', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/departments',
      headers: ws.admin.headers,
      payload: { name: 'Public hook', slug: 'public-hook', webhookUrl: 'https://hooks.example.com/defuse' },
    });
    expect(res.statusCode).toBe(201);
    const { department, webhookSecret } = bodyOf(res, DepartmentSavedSchema);
    expect(webhookSecret).toMatch(/^[0-9a-f]{64}$/);
    const listed = await ctx.app.inject({ method: 'GET', url: '/api/departments', headers: ws.admin.headers });
    expect(listed.body).toContain(department.id);
    expect(listed.body).not.toContain(webhookSecret);
    const renamed = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/departments/${department.id}`,
      headers: ws.admin.headers,
      payload: { name: 'Public hook 2' },
    });
    expect(renamed.json()).not.toHaveProperty('webhookSecret');
  });

  it('checks again at delivery: a stored URL that aims inward is not sent to', async () => {
    for (const url of [`http://localhost:${port}/hook`, `http://127.0.0.1:${port}/hook`]) {
      // written past the save check, as a URL saved before the check existed (or one whose name moved) would be
      await ctx.deps.db
        .update(departments)
        .set({ webhookUrl: url })
        .where(eq(departments.id, ws.departments.logistics));
      const before = received.length;
      const delivery = await escalateOnce();
      expect(delivery?.lastError, url).toMatch(/^refused: /);
      expect(received.length, url).toBe(before);
    }
  });

  it('with OUTBOUND_ALLOW_PRIVATE, delivers to a local receiver by name, signed with the secret', async () => {
    ctx.deps.outbound = { allowPrivate: true };
    try {
      const res = await setWebhook(`http://localhost:${port}/hook`);
      expect(res.statusCode).toBe(200);
      const { webhookSecret } = bodyOf(res, DepartmentSavedSchema);
      if (!webhookSecret) throw new Error('no webhook secret in the answer');
      const before = received.length;
      const delivery = await escalateOnce();
      expect(delivery).toMatchObject({ status: 'delivered', lastError: null });
      // (the refused deliveries before, now due again, went out too)
      const got = received.slice(before).find((r) => r.body === JSON.stringify(delivery?.payload));
      if (!got) throw new Error('nothing received');
      // the name stays in Host while the connection went to the address checked
      expect(got.headers.host).toBe(`localhost:${port}`);
      const timestamp = String(got.headers['x-defuse-timestamp']);
      expect(Number(timestamp)).toBe(Math.floor(ctx.clock.now().getTime() / 1000));
      const expected = createHmac('sha256', webhookSecret).update(`${timestamp}.${got.body}`).digest('hex');
      expect(got.headers['x-defuse-signature']).toBe(`sha256=${expected}`);
      const forged = createHmac('sha256', 'another secret').update(`${timestamp}.${got.body}`).digest('hex');
      expect(got.headers['x-defuse-signature']).not.toBe(`sha256=${forged}`);
      expect(JSON.parse(got.body)).toEqual(delivery?.payload);
    } finally {
      ctx.deps.outbound = { allowPrivate: false };
    }
  });

  it('connects to the address it checked, never to a second DNS answer (no rebinding)', async () => {
    // .invalid never resolves (RFC 6761): the request arrives only if the checked address is used
    const target = await checkTarget(`http://hooks.invalid:${port}/hook`, { allowPrivate: true }, async () => [
      { address: '127.0.0.1', family: 4 },
    ]);
    expect(await postPinned(target, '{"text":"pinned"}', { 'content-type': 'application/json' }, 5000)).toBe(200);
    expect(received.at(-1)).toMatchObject({ body: '{"text":"pinned"}', headers: { host: `hooks.invalid:${port}` } });
  });
});
