/**
 * The sharing port over HTTP + JSON (the protocol sandbox/sandbox-server.ts serves). Classification is the point:
 * a refusal (400/403/409/422) is SharingRejectedError — the data must be fixed; no answer, a timeout, 429 or 5xx is
 * SharingUnavailableError with the Retry-After the service gave — try again later.
 */
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

export class HttpSharingService implements SharingService {
  constructor(private readonly options: HttpSharingOptions) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.options.baseUrl), {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const name = (error as Error).name;
      const code = ((error as { cause?: { code?: unknown } }).cause?.code as string | undefined) ?? name;
      throw new SharingUnavailableError(name === 'TimeoutError' ? '共有サービスが時間内に応答しませんでした' : connectionFailure(code), undefined, code);
    }
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      throw new SharingUnavailableError(
        response.status === 429 ? '共有サービスが混雑しています' : '共有サービスが一時的に応答できません',
        parseRetryAfter(response.headers.get('retry-after')),
        `HTTP ${response.status}`,
      );
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new SharingUnavailableError('共有サービスの応答を読み取れませんでした', undefined, `HTTP ${response.status}, not JSON`);
    }
    if (!response.ok) {
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
