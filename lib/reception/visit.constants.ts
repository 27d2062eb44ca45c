/** Visit statuses and the moves between them (no zod: used by the reception screen). */
export const VISIT_STATUSES = ['received', 'waiting', 'in_consultation', 'billing', 'done', 'cancelled'] as const;
export type VisitStatusValue = (typeof VISIT_STATUSES)[number];

export const VISIT_STATUS_LABELS: Record<VisitStatusValue, string> = {
  received: '受付済',
  waiting: '診察待ち',
  in_consultation: '診察中',
  billing: '会計待ち',
  done: '完了',
  cancelled: 'キャンセル',
};

/** Forward along the day, one step back for a slip of the hand, cancel any time before 完了. */
export const VISIT_TRANSITIONS: Record<VisitStatusValue, VisitStatusValue[]> = {
  received: ['waiting', 'in_consultation', 'cancelled'],
  waiting: ['in_consultation', 'received', 'cancelled'],
  in_consultation: ['billing', 'waiting', 'cancelled'],
  billing: ['done', 'in_consultation', 'cancelled'],
  done: ['billing'],
  cancelled: ['received'],
};

/** 受付の種別: 外来 (a consultation) or 健診 (特定健診 etc.; the nurse enters its items, docs/decisions/0086). */
export const VISIT_TYPES = ['outpatient', 'checkup'] as const;
export type VisitTypeValue = (typeof VISIT_TYPES)[number];
export const VISIT_TYPE_LABELS: Record<VisitTypeValue, string> = { outpatient: '外来', checkup: '健診' };
