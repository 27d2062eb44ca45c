/**
 * The sharing outbox contract (table "SharingOutbox", docs/decisions/0020): which JP-CLINS 報告単位 a change touched and
 * why. Written only by the write path (lib/records/write-path.ts); read by the relay in lib/sharing. TEXT + CHECK
 * columns (docs/decisions/0011): these lists must equal the migration's CHECK constraints (enum-checks.int.test.ts).
 */

/** 報告単位: all current diagnoses of a patient, all allergies of a patient, or one lab report. */
export const SHARING_UNIT_KINDS = ['diagnoses', 'allergies', 'lab_report'] as const;
export type SharingUnitKind = (typeof SHARING_UNIT_KINDS)[number];

/**
 * Why the unit changed: a record created, a new version (修正), 確定, 承認 of a 代行入力, 取消 (entered in error), a flag
 * change (未告知 / 長期保存 / 未提供), or an outpatient visit (the IG sends diagnoses and allergies on the visit day).
 */
export const SHARING_OUTBOX_REASONS = ['create', 'version', 'confirm', 'approve', 'cancel', 'flag', 'visit'] as const;
export type SharingOutboxReason = (typeof SHARING_OUTBOX_REASONS)[number];
