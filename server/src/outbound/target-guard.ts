import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where the server may send requests of its own (webhooks today; push endpoints and tracker
 * links will come through here too). A URL a person typed must not reach the machine itself,
 * the network it sits in or a cloud metadata service (169.254.169.254), unless the operator
 * says so (OUTBOUND_ALLOW_PRIVATE=true, for a receiver on the same network).
 */
export interface OutboundPolicy {
  allowPrivate: boolean;
}

export const REFUSE_PRIVATE: OutboundPolicy = { allowPrivate: false };

/** Addresses that are not the public internet: private, loopback, link-local, unspecified, CGNAT, multicast, reserved. */
const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 itself
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified, loopback and the old IPv4-compatible form
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64: an IPv4 address inside
  ['2001:db8::', 32], // documentation
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:127.0.0.1 or ::ffff:7f00:1), or null. */
function mappedIpv4(address: string): string | null {
  const m = /^::ffff:(?:0:)?(.+)$/i.exec(address);
  if (!m?.[1]) return null;
  if (isIP(m[1]) === 4) return m[1];
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(m[1]);
  if (!hex?.[1] || !hex[2]) return null;
  const [hi, lo] = [Number.parseInt(hex[1], 16), Number.parseInt(hex[2], 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/**
 * @example isInternalAddress('10.1.2.3')          // true
 * @example isInternalAddress('::ffff:127.0.0.1')  // true (IPv4-mapped)
 * @example isInternalAddress('93.184.215.14')     // false
 */
export function isInternalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v4 = isIP(bare) === 6 ? mappedIpv4(bare) : bare;
  if (v4 !== null && isIP(v4) === 4) return INTERNAL.check(v4, 'ipv4');
  if (isIP(bare) === 6) return INTERNAL.check(bare, 'ipv6');
  return true; // not an address at all: never treated as a public one
}

/** localhost and its subdomains (RFC 6761), with or without the root's trailing dot. */
const isLocalName = (host: string) => /(^|\.)localhost\.?$/.test(host);

/**
 * Why the URL may not be a target, judged without the network (at save time), or null: a scheme
 * other than http(s), credentials in it, or a host that is an internal address or a local name.
 */
export function targetProblem(url: string, policy: OutboundPolicy): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Not a URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'Only http and https targets are allowed';
  if (parsed.username || parsed.password) return 'A target URL must not carry credentials';
  if (policy.allowPrivate) return null;
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLocalName(host) || (isIP(host) !== 0 && isInternalAddress(host))) {
    return 'Private, loopback and link-local targets are not allowed';
  }
  return null;
}

export class OutboundRefused extends Error {}

export interface CheckedTarget {
  url: URL;
  /** The address to connect to: checked, and used as is, so a second lookup cannot answer differently. */
  address: string;
  family: 4 | 6;
}

type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;
const resolveAll: Resolve = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * Resolves the target's host and checks every address it has (one internal address among public
 * ones is enough to refuse: a resolver may hand out either); returns the first to connect to.
 */
export async function checkTarget(
  url: string,
  policy: OutboundPolicy,
  resolve: Resolve = resolveAll,
): Promise<CheckedTarget> {
  const problem = targetProblem(url, policy);
  if (problem) throw new OutboundRefused(problem);
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) !== 0 ? [{ address: host, family: isIP(host) }] : await resolve(host);
  const first = addresses[0];
  if (!first) throw new OutboundRefused(`${host} has no address`);
  if (!policy.allowPrivate && addresses.some((a) => isInternalAddress(a.address))) {
    throw new OutboundRefused(`${host} resolves to a private, loopback or link-local address`);
  }
  return { url: parsed, address: first.address, family: first.family === 6 ? 6 : 4 };
}
