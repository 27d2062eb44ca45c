/**
 * ORCA over HTTP(S): on-premise glserver (`http://host:8000`) or WebORCA (paths under `/api`), with HTTP Basic
 * (ORCA's 職員 ID and password) or an SSL client certificate. node:http is used rather than fetch because a client
 * certificate needs an https.Agent. The timeout separates "never connected" from "sent, no answer" (afterSend):
 * ORCA APIs have no request id, so after the latter the caller must read before it resends.
 */
import http from 'node:http';
import https from 'node:https';
import { OrcaUnavailableError } from '../orca-port';
import type { OrcaRequest, OrcaResponse, OrcaTransport } from '../orca-transport';

export type HttpTransportOptions = {
  /** e.g. http://192.168.0.10:8000 or https://weborca.example.jp */
  baseUrl: string;
  /** WebORCA: prefix every API path with /api */
  apiPrefix?: boolean;
  user?: string;
  password?: string;
  /** PEM client certificate, key and CA (glserver with SSL client authentication) */
  clientCert?: string;
  clientKey?: string;
  ca?: string;
  timeoutMs?: number;
};

export class HttpOrcaTransport implements OrcaTransport {
  private readonly agent: http.Agent | https.Agent;

  constructor(private readonly options: HttpTransportOptions) {
    const secure = options.baseUrl.startsWith('https:');
    this.agent = secure
      ? new https.Agent({ keepAlive: true, cert: options.clientCert, key: options.clientKey, ca: options.ca })
      : new http.Agent({ keepAlive: true });
  }

  send(request: OrcaRequest): Promise<OrcaResponse> {
    const base = new URL(this.options.baseUrl);
    const prefix = base.pathname.replace(/\/$/, '') + (this.options.apiPrefix ? '/api' : '');
    const url = new URL(prefix + request.path, base);
    for (const [k, v] of Object.entries(request.query)) url.searchParams.set(k, v);
    const headers: Record<string, string> = { Accept: 'application/xml, application/json' };
    if (this.options.user !== undefined) {
      headers.Authorization = `Basic ${Buffer.from(`${this.options.user}:${this.options.password ?? ''}`).toString('base64')}`;
    }
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    if (body) {
      headers['Content-Type'] = `${request.contentType ?? 'application/xml'}; charset=UTF-8`;
      headers['Content-Length'] = String(body.length);
    }
    const lib = url.protocol === 'https:' ? https : http;
    const timeoutMs = this.options.timeoutMs ?? 10_000;

    return new Promise<OrcaResponse>((resolve, reject) => {
      let sent = false;
      let settled = false;
      const fail = (message: string) => {
        if (settled) return;
        settled = true;
        reject(new OrcaUnavailableError(message, sent));
      };
      const req = lib.request(url, { method: request.method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', () => fail('ORCAからの応答が途中で切れました。'));
      });
      const timer = setTimeout(() => {
        fail(sent ? 'ORCAが時間内に応答しませんでした（送信済み）。' : 'ORCAに接続できませんでした（タイムアウト）。');
        req.destroy();
      }, timeoutMs);
      req.on('error', () => {
        clearTimeout(timer);
        fail(sent ? 'ORCAとの接続が送信後に切れました。' : 'ORCAに接続できませんでした。');
      });
      req.end(body, () => {
        sent = true;
      });
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
