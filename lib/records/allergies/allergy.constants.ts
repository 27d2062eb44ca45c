/** Values shared by the allergy forms and schema; no zod here, so client components stay small. */
export const ALLERGY_CATEGORIES = ['medication', 'food', 'environment', 'other'] as const;
export type AllergyCategory = (typeof ALLERGY_CATEGORIES)[number];
export const CATEGORY_LABELS: Record<AllergyCategory, string> = { medication: '薬剤', food: '食物', environment: '環境', other: 'その他' };

export const ALLERGY_SEVERITIES = ['mild', 'moderate', 'severe'] as const;
export type AllergySeverity = (typeof ALLERGY_SEVERITIES)[number];
export const SEVERITY_LABELS: Record<AllergySeverity, string> = { mild: '軽度', moderate: '中等度', severe: '重度' };

export const ALLERGY_CLINICAL_STATUSES = ['active', 'inactive', 'resolved'] as const;
export type AllergyClinicalStatus = (typeof ALLERGY_CLINICAL_STATUSES)[number];
export const CLINICAL_STATUS_LABELS: Record<AllergyClinicalStatus, string> = { active: '有効', inactive: '非活動', resolved: '解消' };

export const ALLERGY_VERIFICATIONS = ['confirmed', 'unconfirmed'] as const;
export type AllergyVerification = (typeof ALLERGY_VERIFICATIONS)[number];
export const VERIFICATION_LABELS: Record<AllergyVerification, string> = { confirmed: '確認済', unconfirmed: '未確認（疑い）' };
