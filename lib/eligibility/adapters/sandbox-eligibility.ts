/**
 * Sandbox オンライン資格確認 for the demo and tests. Deterministic answers from the insurance on file:
 * - insurer number 99999997 (99999999, with a wrong check digit, only from before the check) → the service is unavailable (通信障害)
 * - insurer numbers starting with 9 other than that, or a number ending in 0000 → 該当資格なし
 * - a 有効期限 before the visit date → 資格喪失
 * - otherwise valid, with a copayment rate by age.
 */
import type { EligibilityAnswer, EligibilityQuery, EligibilityService } from '../eligibility-service';

const INSURER_NAMES: Record<string, string> = {
  '01': '全国健康保険協会', '06': '健康保険組合', '31': '国家公務員共済組合', '32': '地方公務員等共済組合',
  '39': '後期高齢者医療広域連合', '00': '市町村国民健康保険',
};

export function sandboxAnswer(q: EligibilityQuery & { validUntil?: string | null }): EligibilityAnswer {
  if (q.insurerNumber === '99999999' || q.insurerNumber === '99999997') return { result: 'unavailable', message: 'オンライン資格確認サービスに接続できませんでした。' };
  if (q.insurerNumber.startsWith('9') || q.number.endsWith('0000')) {
    return { result: 'unknown', message: '該当する資格情報が見つかりません。保険証の記号・番号を確認してください。' };
  }
  if (q.validUntil && q.validUntil < q.onDate) {
    return { result: 'expired', lostOn: q.validUntil, message: `資格喪失日 ${q.validUntil.replaceAll('-', '/')}。新しい保険証を確認してください。` };
  }
  const age = Number(q.onDate.slice(0, 4)) - Number(q.birthDate.slice(0, 4));
  return {
    result: 'valid',
    insurerName: INSURER_NAMES[q.insurerNumber.slice(0, 2)] ?? '保険者',
    validUntil: q.validUntil ?? null,
    copaymentRate: age >= 75 ? 10 : age >= 70 ? 20 : age < 6 ? 20 : 30,
  };
}

export class SandboxEligibilityService implements EligibilityService {
  constructor(private readonly lookupValidUntil: (q: EligibilityQuery) => string | null = () => null) {}
  async check(query: EligibilityQuery): Promise<EligibilityAnswer> {
    return sandboxAnswer({ ...query, validUntil: this.lookupValidUntil(query) });
  }
}
