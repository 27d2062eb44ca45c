/**
 * Who is the client? The TCP peer, unless the peer is one of our own reverse proxies (TRUSTED_PROXIES): then the
 * X-Forwarded-For chain is read from the right, skipping our proxies, and the first address that is not ours is the
 * client. Entries a client wrote itself (anything left of an untrusted hop) are never believed.
 * Pure; used by the HTTP server in front of Next (scripts/serve.ts) and tested without it.
 */
import { BlockList, isIP } from 'node:net';

export type TrustedProxies = { list: BlockList; entries: string[] };

/** Parses "10.0.0.0/8, 192.168.1.10, ::1" (IPv4/IPv6 addresses and CIDR ranges). Throws on a malformed entry. */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const list = new BlockList();
  const entries = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of entries) {
    const [addr, bits, ...rest] = entry.split('/');
    const family = isIP(addr ?? '');
    if (!family || rest.length) throw new Error(`TRUSTED_PROXIES: not an IP address or CIDR range: ${entry}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) {
      list.addAddress(addr!, type);
    } else {
      const prefix = Number(bits);
      if (!/^\d{1,3}$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new Error(`TRUSTED_PROXIES: bad prefix length: ${entry}`);
      list.addSubnet(addr!, prefix, type);
    }
  }
  return { list, entries };
}

/** '::ffff:127.0.0.1' → '127.0.0.1'; '[::1]' → '::1'; anything that is not an IP address → null. */
export function normalizeIp(value: string | undefined | null): string | null {
  if (!value) return null;
  let v = value.trim();
  if (v.startsWith('[') && v.includes(']')) v = v.slice(1, v.indexOf(']'));
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(v)) v = v.slice(7);
  return isIP(v) ? v : null;
}

function isTrusted(ip: string, trusted: TrustedProxies): boolean {
  // no proxies configured (the usual case): BlockList.check would build a SocketAddress per request for nothing
  if (!trusted.entries.length) return false;
  return trusted.list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

/** The client's address from the socket peer and the X-Forwarded-For header(s) as received. */
export function resolveClientIp(peer: string | undefined | null, forwardedFor: string | string[] | undefined, trusted: TrustedProxies): string | null {
  let current = normalizeIp(peer);
  if (!current) return null;
  if (!isTrusted(current, trusted)) return current;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '')).split(',').map((s) => s.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeIp(hops[i]);
    // a malformed entry added by our own proxy chain: stop at the last address we could trust
    if (!hop) return current;
    current = hop;
    if (!isTrusted(hop, trusted)) return hop;
  }
  return current;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** A caller's X-Request-Id is kept only if it is 8–128 characters of [A-Za-z0-9._:-]; otherwise null (make one). */
export function acceptableRequestId(value: string | null | undefined): string | null {
  return value && REQUEST_ID.test(value) ? value : null;
}
