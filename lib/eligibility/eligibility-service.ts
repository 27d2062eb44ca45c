/**
 * オンライン資格確認: the port. The real service (via the clinic's 資格確認端末) is reached only through an
 * adapter chosen in get-eligibility-service.ts, so swapping in the real one touches one file.
 */
export type EligibilityQuery = {
  insurerNumber: string;
  symbol: string | null;
  number: string;
  branch: string | null;
  birthDate: string;
  /** the date of the visit, 'YYYY-MM-DD' (JST) */
  onDate: string;
};

export type EligibilityAnswer =
  | { result: 'valid'; insurerName?: string; validUntil?: string | null; copaymentRate?: number }
  | { result: 'expired'; lostOn?: string | null; message: string }
  | { result: 'unknown'; message: string }
  | { result: 'unavailable'; message: string };

export interface EligibilityService {
  check(query: EligibilityQuery): Promise<EligibilityAnswer>;
}
