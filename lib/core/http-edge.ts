/**
 * The first thing every HTTP request meets (scripts/serve.ts, in front of Next's request handler): it decides the
 * client's address from the TCP peer and TRUSTED_PROXIES (client-ip.ts) and hands it to the app in a header that
 * only this process can vouch for (the edge token), and it replaces X-Forwarded-For with that one address (Next fills
 * X-Forwarded-For only when it is missing, so a forged chain would otherwise reach the app).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveClientIp, type TrustedProxies } from './client-ip';
import { CLIENT_IP_HEADER, EDGE_TOKEN_HEADER } from './request-context';

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export function withClientIp(handle: NodeHandler, trusted: TrustedProxies, edgeToken: string): NodeHandler {
  return (req, res) => {
    const ip = resolveClientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], trusted);
    delete req.headers[CLIENT_IP_HEADER];
    if (ip) {
      req.headers[CLIENT_IP_HEADER] = ip;
      req.headers['x-forwarded-for'] = ip;
    } else {
      delete req.headers['x-forwarded-for'];
    }
    req.headers[EDGE_TOKEN_HEADER] = edgeToken;
    return handle(req, res);
  };
}
