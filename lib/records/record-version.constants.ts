/** Labels of the version states every clinical record shares; no imports, so client components can use them. */
export const RECORD_STATUS_LABELS = {
  draft: '下書き',
  pending_approval: '承認待ち（代行入力）',
  final: '確定',
  entered_in_error: '取消（入力誤り）',
} as const;
