/** Clinical documents (issue 11): the kinds (ClinicalDocument.kind, TEXT + CHECK) and their labels. No imports: client-safe. */
export const DOCUMENT_KINDS = ['referral', 'discharge_summary'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_KIND_LABELS: Record<DocumentKind, string> = {
  referral: '診療情報提供書',
  discharge_summary: '退院時サマリー',
};

/**
 * 退院時転帰 (JP-CLINS discharge-disposition, http://jpfhir.jp/fhir/Common/CodeSystem/discharge-disposition): the
 * codes Encounter.hospitalization.dischargeDisposition of a 退院時サマリー carries.
 */
export const DISCHARGE_OUTCOMES = {
  '1': '治癒・軽快',
  '3': '寛解',
  '4': '不変',
  '5': '増悪',
  '6': '死亡（傷病による）',
  '7': '死亡（傷病以外による）',
  '9': 'その他（検査入院等）',
} as const;
export type DischargeOutcome = keyof typeof DISCHARGE_OUTCOMES;
export const DISCHARGE_OUTCOME_CODES = Object.keys(DISCHARGE_OUTCOMES) as [DischargeOutcome, ...DischargeOutcome[]];

/** Labels of a document version's status (the record statuses, worded for a letter). */
export const DOCUMENT_STATUS_LABELS = {
  draft: '下書き',
  pending_approval: '承認待ち',
  final: '確定',
  entered_in_error: '取消',
} as const;

/** How many of the patient's latest notes the 治療経過 is drafted from. */
export const COURSE_NOTES = 3;
/** How many recent lab results the editor offers to pick from. */
export const LAB_CHOICES = 30;
