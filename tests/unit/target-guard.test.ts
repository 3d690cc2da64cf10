import { loadConfig } from '@defuse/server/config';
import {
  checkTarget,
  isInternalAddress,
  OutboundRefused,
  REFUSE_PRIVATE,
  targetProblem,
} from '@defuse/server/outbound/target-guard';
import { describe, expect, it } from 'vitest';

const INTERNAL = [
  '10.0.0.1',
  '10.255.255.255',
  '172.16.0.1',
  '172.31.255.254',
  '192.168.1.1',
  '127.0.0.1',
  '127.8.9.10',
  '169.254.169.254',
  '100.64.0.1',
  '100.127.255.254',
  '0.0.0.0',
  '::',
  '::1',
  'fc00::1',
  'fd12:3456::1',
  'fe80::1',
  'febf::1',
  '::ffff:127.0.0.1',
  '::ffff:7f00:1',
  '::ffff:10.0.0.1',
  '::ffff:a9fe:a9fe',
  '[::1]',
];
const PUBLIC = [
  '93.184.215.14',
  '8.8.8.8',
  '172.32.0.1',
  '100.128.0.1',
  '169.255.0.1',
  '2606:4700::1111',
  '::ffff:8.8.8.8',
];

describe('the outbound target guard', () => {
  it('knows private, loopback, link-local, unspecified and CGNAT addresses, IPv4-mapped ones too', () => {
    for (const a of INTERNAL) expect(isInternalAddress(a), a).toBe(true);
    for (const a of PUBLIC) expect(isInternalAddress(a), a).toBe(false);
  });

  it('refuses, without the network, literal internal hosts, local names, credentials and other schemes', () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://10.1.2.3/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[fe80::1]/',
      'http://169.254.169.254/latest/meta-data',
      'http://100.64.1.1/',
      'http://0.0.0.0/',
      'http://2130706433/', // 127.0.0.1 as one number: the URL parser reads it as an IPv4 address
      'http://0x7f.1/',
      'http://localhost:3000/',
      'http://api.localhost/',
      'ftp://example.com/',
      'file:///etc/passwd',
      'gopher://example.com/',
      'https://user:pw@example.com/',
    ]) {
      expect(targetProblem(url, REFUSE_PRIVATE), url).not.toBeNull();
    }
    expect(targetProblem('https://hooks.example.com/x', REFUSE_PRIVATE)).toBeNull();
    expect(targetProblem('http://127.0.0.1:8080/hook', { allowPrivate: true })).toBeNull();
    expect(targetProblem('ftp://127.0.0.1/', { allowPrivate: true })).not.toBeNull();
  });

  it('checks every address a name resolves to, and connects to the one it checked', async () => {
    const resolver = (answers: string[]) => async () =>
      answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    await expect(
      checkTarget('https://hooks.example.com/', REFUSE_PRIVATE, resolver(['93.184.215.14', '127.0.0.1'])),
    ).rejects.toBeInstanceOf(OutboundRefused);
    await expect(
      checkTarget('https://hooks.example.com/', REFUSE_PRIVATE, resolver(['::ffff:10.0.0.1'])),
    ).rejects.toBeInstanceOf(OutboundRefused);
    await expect(checkTarget('https://hooks.example.com/', REFUSE_PRIVATE, resolver([]))).rejects.toBeInstanceOf(
      OutboundRefused,
    );
    const ok = await checkTarget('https://hooks.example.com/x', REFUSE_PRIVATE, resolver(['93.184.215.14']));
    expect(ok).toMatchObject({ address: '93.184.215.14', family: 4 });
    expect(ok.url.host).toBe('hooks.example.com');
    // the real resolver: localhost is loopback
    await expect(checkTarget('http://localhost:1/', { allowPrivate: false })).rejects.toBeInstanceOf(OutboundRefused);
    expect((await checkTarget('http://localhost:1/', { allowPrivate: true })).address).toMatch(/^(127\.0\.0\.1|::1)$/);
  });

  it('is off unless OUTBOUND_ALLOW_PRIVATE=true', () => {
    expect(loadConfig({}).outbound).toEqual({ allowPrivate: false });
    expect(loadConfig({ OUTBOUND_ALLOW_PRIVATE: 'true' }).outbound).toEqual({ allowPrivate: true });
    expect(() => loadConfig({ OUTBOUND_ALLOW_PRIVATE: 'yes' })).toThrow();
  });
});
