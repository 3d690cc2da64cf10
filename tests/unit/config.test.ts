import { ConfigError, loadConfig } from '@defuse/server/config';
import { describe, expect, it } from 'vitest';

describe('loadConfig', () => {
  it('defaults to the embedded database with the demo seed on 127.0.0.1:3000', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: './data',
      seed: 'demo',
      publicOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
      secureCookies: false,
    });
  });

  it('sends no e-mail without SMTP_URL; takes an smtp:// or smtps:// one and refuses anything else', () => {
    expect(loadConfig({})).toMatchObject({ smtpUrl: undefined, mailFrom: 'Defuse <defuse@localhost>' });
    expect(loadConfig({ SMTP_URL: '' }).smtpUrl).toBeUndefined();
    expect(
      loadConfig({ SMTP_URL: 'smtps://u:p@mail.example.com:465', MAIL_FROM: 'Ops <ops@example.com>' }),
    ).toMatchObject({
      smtpUrl: 'smtps://u:p@mail.example.com:465',
      mailFrom: 'Ops <ops@example.com>',
    });
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.com' })).toThrow(/SMTP_URL/);
  });

  it('does not seed a real PostgreSQL unless asked', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).seed).toBe('none');
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', DEFUSE_SEED: 'demo' }).seed).toBe('demo');
  });

  it('makes cookies Secure when every public origin is https', () => {
    expect(loadConfig({ PUBLIC_ORIGIN: 'https://defuse.example.com/' })).toMatchObject({
      publicOrigins: ['https://defuse.example.com'],
      secureCookies: true,
    });
  });

  it('fails fast with a message naming each bad variable', () => {
    const bad = () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', DEFUSE_SEED: 'lots' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*DEFUSE_SEED/);
    expect(() => loadConfig({ DEFUSE_ADMIN_EMAIL: 'a@b.test' })).toThrow(/DEFUSE_ADMIN_PASSWORD/);
    expect(() => loadConfig({ PUBLIC_ORIGIN: 'not an origin' })).toThrow(/PUBLIC_ORIGIN/);
  });

  it('trusts X-Forwarded-* only from a named proxy address, never from everyone (check 15)', () => {
    expect(loadConfig({}).trustProxy).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: '' }).trustProxy).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5' }).trustProxy).toBe('10.0.0.5');
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, ::1, loopback' }).trustProxy).toBe('10.0.0.0/8,::1,loopback');
    for (const everyone of ['true', '*', '1', '0.0.0.0/0', '::/0', 'proxy.example.com', '10.0.0.1/x']) {
      expect(() => loadConfig({ TRUST_PROXY: everyone }), everyone).toThrow(/TRUST_PROXY/);
    }
  });
});
