/** オンライン資格確認 over HTTP (JSON). Timeouts and 5xx become 'unavailable': check-in never blocks on it. */
import type { EligibilityAnswer, EligibilityQuery, EligibilityService } from '../eligibility-service';

export class HttpEligibilityService implements EligibilityService {
  constructor(private readonly options: { baseUrl: string; timeoutMs?: number }) {}

  async check(query: EligibilityQuery): Promise<EligibilityAnswer> {
    try {
      const res = await fetch(new URL('eligibility', this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(query),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
      if (!res.ok) return { result: 'unavailable', message: `オンライン資格確認サービスが応答しませんでした（${res.status}）。` };
      const body = (await res.json()) as EligibilityAnswer;
      if (!['valid', 'expired', 'unknown', 'unavailable'].includes(body.result)) {
        return { result: 'unavailable', message: 'オンライン資格確認サービスの応答を解釈できませんでした。' };
      }
      return body;
    } catch {
      return { result: 'unavailable', message: 'オンライン資格確認サービスに接続できませんでした。' };
    }
  }
}
