/** The version states of every clinical record: the values of each record table's status (TEXT + CHECK, docs/decisions/0011). */
export const RECORD_STATUSES = ['draft', 'pending_approval', 'final', 'entered_in_error'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** Labels of the version states every clinical record shares; no imports, so client components can use them. */
export const RECORD_STATUS_LABELS = {
  draft: '下書き',
  pending_approval: '承認待ち（代行入力）',
  final: '確定',
  entered_in_error: '取消（入力誤り）',
} as const;
