/** Results of オンライン資格確認 as stored in Visit.eligibilityResult (TEXT + CHECK, docs/decisions/0011). */
export const ELIGIBILITY_RESULTS = ['not_checked', 'valid', 'expired', 'unknown', 'unavailable'] as const;
export type EligibilityResult = (typeof ELIGIBILITY_RESULTS)[number];

/** Screen labels of the オンライン資格確認 results (also used by the reception screen in the browser). */
export const ELIGIBILITY_LABELS = {
  not_checked: '未確認',
  valid: '有効',
  expired: '資格喪失',
  unknown: '該当資格なし',
  unavailable: '確認できず（通信障害）',
} as const;
