import { isIP } from 'node:net';
import { z } from 'zod';
import type { OutboundPolicy } from './outbound/target-guard.ts';

/** The one place that reads process.env. A bad value stops the start with a message. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DEFUSE_SEED: z.enum(['demo', 'none']).optional(),
  DEFUSE_ADMIN_EMAIL: z.email().optional(),
  DEFUSE_ADMIN_PASSWORD: z.string().min(8).max(256).optional(),
  PUBLIC_ORIGIN: z.string().optional(),
  /** Set when the server sits behind a TLS-terminating proxy at this address: cookies become Secure. */
  TRUST_PROXY: z.string().optional(),
  /** true: webhooks (and other outbound requests) may target private, loopback and link-local addresses. */
  OUTBOUND_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  /** Notification e-mail goes through this server; unset: the inbox only. */
  SMTP_URL: z
    .string()
    .regex(/^(smtps?:\/\/[^/]+.*)?$/, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).max(200).default('Defuse <defuse@localhost>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  seed: 'demo' | 'none';
  bootstrapAdmin: { email: string; password: string } | undefined;
  publicOrigins: string[];
  trustProxy: string | undefined;
  secureCookies: boolean;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  outbound: OutboundPolicy;
  smtpUrl: string | undefined;
  mailFrom: string;
};

export class ConfigError extends Error {}

/** proxy-addr's names for address ranges, as Fastify accepts them. */
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Why a TRUST_PROXY entry is refused, or null. Only a proxy's own address (or CIDR, or a named
 * range) may be trusted: `true`, a hop count or a /0 would take X-Forwarded-For from any client,
 * which could then pick its address and step round the per-address sign-in limit.
 */
function proxyEntryProblem(entry: string): string | null {
  if (PROXY_RANGES.has(entry)) return null;
  const [address = '', prefix, ...rest] = entry.split('/');
  if (rest.length > 0 || isIP(address) === 0) {
    return `${entry} is not an address, a CIDR or one of ${[...PROXY_RANGES].join(', ')} (never true or a hop count)`;
  }
  if (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= 128)) {
    return `${entry} would trust every address`;
  }
  return null;
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if ((e.DEFUSE_ADMIN_EMAIL === undefined) !== (e.DEFUSE_ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('Invalid configuration: set both DEFUSE_ADMIN_EMAIL and DEFUSE_ADMIN_PASSWORD, or neither');
  }
  const origins = (e.PUBLIC_ORIGIN ?? `http://localhost:${e.PORT},http://127.0.0.1:${e.PORT}`)
    .split(',')
    .map((o) => o.trim().replace(/\/$/, ''))
    .filter((o) => o !== '');
  for (const o of origins) {
    if (!/^https?:\/\/[^/]+$/.test(o))
      throw new ConfigError(`Invalid configuration:\n  PUBLIC_ORIGIN: ${o} is not an origin`);
  }
  const proxies = e.TRUST_PROXY?.trim() ? e.TRUST_PROXY.split(',').map((p) => p.trim()) : undefined;
  for (const entry of proxies ?? []) {
    const problem = proxyEntryProblem(entry);
    if (problem) throw new ConfigError(`Invalid configuration:\n  TRUST_PROXY: ${problem}`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    seed: e.DEFUSE_SEED ?? (e.DATABASE_URL ? 'none' : 'demo'),
    bootstrapAdmin:
      e.DEFUSE_ADMIN_EMAIL && e.DEFUSE_ADMIN_PASSWORD
        ? { email: e.DEFUSE_ADMIN_EMAIL.toLowerCase(), password: e.DEFUSE_ADMIN_PASSWORD }
        : undefined,
    publicOrigins: origins,
    trustProxy: proxies?.join(','),
    secureCookies: origins.every((o) => o.startsWith('https://')),
    logLevel: e.LOG_LEVEL,
    outbound: { allowPrivate: e.OUTBOUND_ALLOW_PRIVATE === 'true' },
    smtpUrl: e.SMTP_URL?.trim() || undefined,
    mailFrom: e.MAIL_FROM,
  };
}
