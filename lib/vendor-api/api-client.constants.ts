/** Values of ApiClient.status (TEXT + CHECK, docs/decisions/0011). */
export const API_CLIENT_STATUSES = ['active', 'revoked'] as const;
export type ApiClientStatus = (typeof API_CLIENT_STATUSES)[number];

/** Signing algorithms accepted for client assertions (SMART Backend Services: RS384 and ES384). */
export const ASSERTION_ALGORITHMS = ['RS384', 'ES384'] as const;

/** Longest life of a client assertion (SMART: exp no more than five minutes in the future). */
export const MAX_ASSERTION_LIFETIME_S = 300;
/** Life of an access token. */
export const ACCESS_TOKEN_LIFETIME_S = 300;

/** The scopes the registration form offers (SMART v2: r read, s search, c create). */
export const SCOPE_CHOICES = [
  { scope: 'system/Patient.rs', label: '患者（参照・検索）' },
  { scope: 'system/Patient.cu', label: '患者（登録・更新）' },
  { scope: 'system/Condition.rs', label: '傷病名（参照・検索）' },
  { scope: 'system/AllergyIntolerance.rs', label: 'アレルギー（参照・検索）' },
  { scope: 'system/Observation.rs', label: '検査結果（参照・検索）' },
  { scope: 'system/Observation.c', label: '検査結果（登録）' },
  { scope: 'system/MedicationRequest.rs', label: '処方（参照・検索）' },
  { scope: 'system/Encounter.rs', label: '受診・来院（参照・検索）' },
  { scope: 'system/Practitioner.rs', label: '医師（参照・検索）' },
  { scope: 'system/Organization.rs', label: '医療機関（参照・検索）' },
  { scope: 'system/DocumentReference.rs', label: '診療情報提供書（参照・検索）' },
] as const;
