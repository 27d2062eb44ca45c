/**
 * The sharing port over HTTP + JSON (the protocol sandbox/sandbox-server.ts serves). Classification is the point:
 * a refusal (400/403/409/422) is SharingRejectedError — the data must be fixed; no answer, a timeout, 429 or 5xx is
 * SharingUnavailableError with the Retry-After the service gave — try again later.
 *
 * Requests go through node:http(s) with one keep-alive agent per adapter, not fetch: the delivery sends hundreds of
 * units a second, and fetch (undici's streams and Request/Response objects) cost 3–6 times the client CPU per request.
 */
import http from 'node:http';
import https from 'node:https';
import { parseRetryAfter } from '@/lib/jobs/backoff';
import {
  SharingRejectedError,
  SharingUnavailableError,
  type DeleteUnitRequest,
  type DocumentStatus,
  type FetchInboxRequest,
  type InboxEntry,
  type RegisterDocumentRequest,
  type FetchPatientRecordsRequest,
  type RegisterUnitReceipt,
  type RegisterUnitRequest,
  type SharedBundle,
  type SharingIssue,
  type SharingService,
  type UnitStatus,
} from '../sharing-service';

export type HttpSharingOptions = { baseUrl: string; token?: string; timeoutMs?: number };

/** What a clinic's staff reads for a socket error code (the code itself goes to the delivery ledger). */
export function connectionFailure(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return '共有サービスに接続できません（サービスが停止しているか、接続先の設定が誤っています）';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return '共有サービスの接続先が見つかりません（ネットワークまたは接続先の設定を確認してください）';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return '共有サービスとの通信が途中で切れました';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return '共有サービスへの接続が時間切れになりました';
    default:
      return code.startsWith('CERT_') || code.includes('SSL') || code.includes('TLS') || code.includes('CERT')
        ? '共有サービスの証明書を確認できませんでした'
        : '共有サービスに接続できません';
  }
}

/** The answer of one exchange, read in full. */
type RawAnswer = { status: number; retryAfter: string | null; text: string };

/** The request ran past the adapter's timeout (connecting, waiting or reading the answer). */
class ExchangeTimeout extends Error {
  override name = 'TimeoutError';
}

export class HttpSharingService implements SharingService {
  private readonly agent: http.Agent;

  constructor(private readonly options: HttpSharingOptions) {
    this.agent = new URL(options.baseUrl).protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  /** One request and its whole answer, or the socket's error (an ExchangeTimeout after timeoutMs). */
  private exchange(method: string, path: string, body: string | undefined): Promise<RawAnswer> {
    const url = new URL(path, this.options.baseUrl);
    const headers: http.OutgoingHttpHeaders = {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
      ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
    };
    return new Promise<RawAnswer>((resolve, reject) => {
      let timedOut = false;
      const fail = (error: unknown) => {
        clearTimeout(timer);
        reject(timedOut ? new ExchangeTimeout() : error);
      };
      const request = (url.protocol === 'https:' ? https : http).request(url, { method, headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', fail);
        response.on('end', () => {
          clearTimeout(timer);
          if (timedOut) return reject(new ExchangeTimeout());
          const retryAfter = response.headers['retry-after'];
          resolve({ status: response.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : null, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      const timer = setTimeout(() => {
        timedOut = true;
        request.destroy(new ExchangeTimeout());
      }, this.options.timeoutMs ?? 10_000);
      request.on('error', fail);
      request.end(body);
    });
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: RawAnswer;
    try {
      response = await this.exchange(method, path, body === undefined ? undefined : JSON.stringify(body));
    } catch (error) {
      if (error instanceof ExchangeTimeout) throw new SharingUnavailableError('共有サービスが時間内に応答しませんでした', undefined, error.name);
      const code = ((error as { code?: unknown }).code as string | undefined) ?? (error as Error).name;
      throw new SharingUnavailableError(connectionFailure(code), undefined, code);
    }
    if (response.status === 429 || response.status >= 500) {
      throw new SharingUnavailableError(
        response.status === 429 ? '共有サービスが混雑しています' : '共有サービスが一時的に応答できません',
        parseRetryAfter(response.retryAfter),
        `HTTP ${response.status}`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      throw new SharingUnavailableError('共有サービスの応答を読み取れませんでした', undefined, `HTTP ${response.status}, not JSON`);
    }
    if (response.status < 200 || response.status > 299) {
      const issues = (json as { issues?: SharingIssue[] }).issues;
      throw new SharingRejectedError(Array.isArray(issues) && issues.length ? issues : [{ code: `HTTP-${response.status}`, message: '共有サービスが要求を受け付けませんでした' }]);
    }
    return json as T;
  }

  async registerUnit(request: RegisterUnitRequest): Promise<RegisterUnitReceipt> {
    const r = await this.call<{ receiptId: string; acceptedAt: string; replaced: boolean }>('POST', '/v1/units', request);
    return { receiptId: r.receiptId, acceptedAt: r.acceptedAt, replaced: r.replaced };
  }

  async deleteUnit(request: DeleteUnitRequest): Promise<{ deleted: boolean }> {
    const r = await this.call<{ deleted: boolean }>('DELETE', `/v1/units/${encodeURIComponent(request.identifier)}?memberId=${encodeURIComponent(request.memberId)}`);
    return { deleted: r.deleted };
  }

  unitStatus(identifier: string): Promise<UnitStatus> {
    return this.call<UnitStatus>('GET', `/v1/units/${encodeURIComponent(identifier)}`);
  }

  async fetchPatientRecords(request: FetchPatientRecordsRequest): Promise<SharedBundle[]> {
    return (await this.call<{ bundles: SharedBundle[] }>('POST', '/v1/patient-records', request)).bundles;
  }

  async registerDocument(request: RegisterDocumentRequest): Promise<RegisterUnitReceipt> {
    const r = await this.call<{ receiptId: string; acceptedAt: string; replaced: boolean }>('POST', '/v1/documents', request);
    return { receiptId: r.receiptId, acceptedAt: r.acceptedAt, replaced: r.replaced };
  }

  async deleteDocument(request: DeleteUnitRequest): Promise<{ deleted: boolean }> {
    const r = await this.call<{ deleted: boolean }>('DELETE', `/v1/documents/${encodeURIComponent(request.identifier)}?memberId=${encodeURIComponent(request.memberId)}`);
    return { deleted: r.deleted };
  }

  documentStatus(identifier: string): Promise<DocumentStatus> {
    return this.call<DocumentStatus>('GET', `/v1/documents/${encodeURIComponent(identifier)}`);
  }

  async fetchInbox(request: FetchInboxRequest): Promise<InboxEntry[]> {
    const q = `after=${request.after}${request.limit ? `&limit=${request.limit}` : ''}`;
    return (await this.call<{ entries: InboxEntry[] }>('GET', `/v1/inbox/${encodeURIComponent(request.institutionNumber)}?${q}`)).entries;
  }
}
