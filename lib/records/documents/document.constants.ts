/** Clinical documents (issue 11): the kinds (ClinicalDocument.kind, TEXT + CHECK) and their labels. No imports: client-safe. */
export const DOCUMENT_KINDS = ['referral'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_KIND_LABELS: Record<DocumentKind, string> = {
  referral: '診療情報提供書',
};

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
