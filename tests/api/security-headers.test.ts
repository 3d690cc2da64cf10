import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_ORIGIN, type TestContext } from '../helpers/app.ts';
import { createActor, createWorkspace, TEST_PASSWORD } from '../helpers/factories.ts';

const HTTPS_ORIGIN = 'https://defuse.example.com';
const FOREIGN = 'https://evil.example';

let plain: TestContext;
let secure: TestContext;
let w: Awaited<ReturnType<typeof createWorkspace>>;

beforeAll(async () => {
  plain = await createTestContext();
  w = await createWorkspace(plain);
  // Behind a TLS-terminating proxy: every public origin is https.
  secure = await createTestContext({ config: { publicOrigins: [HTTPS_ORIGIN], secureCookies: true } });
});
afterAll(async () => {
  await plain?.close();
  await secure?.close();
});

/** The CSP header as directive → sources. */
function csp(header: unknown): Map<string, string[]> {
  const directives = String(header)
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .filter((d) => d[0]);
  return new Map(directives.map(([name, ...sources]) => [name ?? '', sources]));
}

describe('helmet headers (docs/security.md check 13)', () => {
  it('send the CSP as listed, nosniff, a Referrer-Policy and no X-Powered-By', async () => {
    for (const url of ['/api/health', '/api/me', '/no-such-page']) {
      const res = await plain.app.inject({ method: 'GET', url, headers: w.field.headers });
      const policy = csp(res.headers['content-security-policy']);
      expect(policy.get('default-src'), url).toEqual(["'self'"]);
      expect(policy.get('connect-src'), url).toEqual(["'self'", 'ws://127.0.0.1:3000', 'ws://localhost:3000']);
      expect(policy.get('frame-ancestors'), url).toEqual(["'none'"]);
      expect(policy.get('object-src'), url).toEqual(["'none'"]);
      expect(policy.get('script-src'), url).toEqual(["'self'"]);
      expect(policy.has('upgrade-insecure-requests'), url).toBe(false);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      expect(res.headers['x-powered-by'], url).toBeUndefined();
    }
  });

  it('send no HSTS over plain http, where it would lock a LAN install out', async () => {
    const res = await plain.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('send HSTS, wss in connect-src and upgrade-insecure-requests behind https', async () => {
    const res = await secure.app.inject({ method: 'GET', url: '/api/health' });
    expect(String(res.headers['strict-transport-security'])).toMatch(/^max-age=(\d+); includeSubDomains/);
    expect(Number(/max-age=(\d+)/.exec(String(res.headers['strict-transport-security']))?.[1])).toBeGreaterThanOrEqual(
      180 * 86_400,
    );
    const policy = csp(res.headers['content-security-policy']);
    expect(policy.get('connect-src')).toEqual(["'self'", 'wss://defuse.example.com']);
    expect(policy.has('upgrade-insecure-requests')).toBe(true);
  });

  it('make the session cookie Secure behind https (check 1)', async () => {
    const person = await createActor(secure, 'field');
    const res = await secure.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: person.email, password: TEST_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });
});

describe('CORS is off (docs/security.md check 14)', () => {
  const corsHeaders = (headers: Record<string, unknown>) =>
    Object.keys(headers).filter((h) => h.startsWith('access-control-'));

  it('gives a cross-origin request no Access-Control-Allow-Origin, so a foreign page cannot read the answer', async () => {
    for (const origin of [FOREIGN, TEST_ORIGIN, 'null']) {
      const res = await plain.app.inject({ method: 'GET', url: '/api/me', headers: { ...w.field.headers, origin } });
      expect(corsHeaders(res.headers), origin).toEqual([]);
    }
  });

  it('allows no credentials, method or header in a preflight from a foreign origin', async () => {
    for (const url of ['/api/bombs', '/api/session', '/api/me']) {
      const res = await plain.app.inject({
        method: 'OPTIONS',
        url,
        headers: {
          origin: FOREIGN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, idempotency-key',
        },
      });
      expect(corsHeaders(res.headers), url).toEqual([]);
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
    }
  });
});
