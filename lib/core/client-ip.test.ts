import { describe, expect, it } from 'vitest';
import { acceptableRequestId, parseTrustedProxies, resolveClientIp } from './client-ip';
import { requestContextFrom } from './request-context';

const none = parseTrustedProxies(undefined);
const lb = parseTrustedProxies('10.0.0.0/8, 192.168.1.10, fd00::/8');

describe('client address (TRUSTED_PROXIES)', () => {
  it('believes X-Forwarded-For from nobody when no proxy is configured', () => {
    expect(resolveClientIp('203.0.113.5', '198.51.100.7', none)).toBe('203.0.113.5');
    expect(resolveClientIp('::ffff:127.0.0.1', '1.2.3.4, 5.6.7.8', none)).toBe('127.0.0.1');
  });

  it('reads the chain from the right through our proxies only, never a client-written entry', () => {
    expect(resolveClientIp('10.1.2.3', '198.51.100.7', lb)).toBe('198.51.100.7');
    // the client wrote 1.1.1.1 itself; our proxy appended the address it saw
    expect(resolveClientIp('10.1.2.3', '1.1.1.1, 198.51.100.7', lb)).toBe('198.51.100.7');
    // two of our proxies
    expect(resolveClientIp('10.1.2.3', '1.1.1.1, 198.51.100.7, 192.168.1.10', lb)).toBe('198.51.100.7');
    expect(resolveClientIp('fd00::1', ['2001:db8::5'], lb)).toBe('2001:db8::5');
    // a peer outside the list is the client, whatever it claims
    expect(resolveClientIp('203.0.113.9', '10.0.0.1', lb)).toBe('203.0.113.9');
    // garbage in the chain stops at the last address we could trust
    expect(resolveClientIp('10.1.2.3', 'not-an-ip', lb)).toBe('10.1.2.3');
    expect(resolveClientIp(undefined, '1.2.3.4', lb)).toBeNull();
  });

  it('refuses a malformed setting at boot', () => {
    expect(() => parseTrustedProxies('10.0.0.0/33')).toThrow(/prefix/);
    expect(() => parseTrustedProxies('proxy.example.jp')).toThrow(/not an IP/);
  });
});

describe('request context', () => {
  const headers = (h: Record<string, string>) => new Headers(h);

  it('takes the client address only from our own server (edge token), never from X-Forwarded-For', () => {
    const token = 'a'.repeat(64);
    expect(requestContextFrom(headers({ 'x-forwarded-for': '6.6.6.6', 'x-real-ip': '6.6.6.6' }), token).ip).toBeNull();
    expect(requestContextFrom(headers({ 'x-karte-client-ip': '6.6.6.6', 'x-karte-edge': 'b'.repeat(64) }), token).ip).toBeNull();
    expect(requestContextFrom(headers({ 'x-karte-client-ip': '198.51.100.7', 'x-karte-edge': token }), token).ip).toBe('198.51.100.7');
    expect(requestContextFrom(headers({ 'x-karte-client-ip': '198.51.100.7', 'x-karte-edge': token }), undefined).ip).toBeNull();
  });

  it('keeps a short plain X-Request-Id and replaces a long or strange one', () => {
    expect(requestContextFrom(headers({ 'x-request-id': 'req-0123456789' })).requestId).toBe('req-0123456789');
    for (const bad of ['x'.repeat(8000), 'abc', 'req id with spaces', 'req-<script>-0001', 'req-bad\tvalue']) {
      const id = requestContextFrom(headers({ 'x-request-id': bad })).requestId;
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(acceptableRequestId('x'.repeat(129))).toBeNull();
    expect(acceptableRequestId('x'.repeat(128))).toBe('x'.repeat(128));
  });
});
