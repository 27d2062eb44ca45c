/** Sharing units, their states and Japanese labels (TEXT + CHECK, docs/decisions/0011). Isomorphic. */
/** The 6情報 units, and `document`: one clinical document's lineage (its key in `labReportId`; issue 11, ADR 0058). */
export const UNIT_KINDS = ['diagnoses', 'allergies', 'lab_report', 'document'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const UNIT_KIND_LABELS: Record<UnitKind, string> = { diagnoses: '傷病名', allergies: 'アレルギー', lab_report: '検査結果', document: '診療情報提供書' };

export const UNIT_STATES = ['pending', 'sending', 'sent', 'retry_wait', 'error'] as const;
export type UnitState = (typeof UNIT_STATES)[number];

export const UNIT_STATE_LABELS: Record<UnitState, string> = {
  pending: '未送信',
  sending: '送信中',
  sent: '送信済',
  retry_wait: '再送待ち',
  error: 'エラー',
};

export const ATTEMPT_ACTIONS = ['register', 'delete'] as const;
export const ATTEMPT_OUTCOMES = ['pending', 'accepted', 'rejected', 'unavailable', 'reconciled'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** The job queue that delivers one unit (lib/jobs). */
export const DELIVER_QUEUE = 'sharing.deliver';
