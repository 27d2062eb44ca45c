/** States of the ORCA link (TEXT + CHECK, docs/decisions/0011) and their Japanese labels. Isomorphic, no imports. */

/** Who numbers patients: ORCA (the EHR keeps ORCA's 患者番号 beside its own) or the EHR (registered in ORCA as is). */
export const ORCA_NUMBERING_MASTERS = ['orca', 'ehr'] as const;
export type OrcaNumberingMaster = (typeof ORCA_NUMBERING_MASTERS)[number];

export const ORCA_PATIENT_LINK_STATES = ['pending', 'linked', 'needs_review', 'failed'] as const;
export type OrcaPatientLinkState = (typeof ORCA_PATIENT_LINK_STATES)[number];
export const ORCA_PATIENT_LINK_LABELS: Record<OrcaPatientLinkState, string> = {
  pending: 'ORCA未連携（送信待ち）',
  linked: 'ORCA連携済',
  needs_review: 'ORCA要確認',
  failed: 'ORCA連携エラー',
};

export const ORCA_ACCEPTANCE_STATES = ['queued', 'sending', 'sent', 'cancel_queued', 'cancelled', 'failed'] as const;
export type OrcaAcceptanceState = (typeof ORCA_ACCEPTANCE_STATES)[number];
export const ORCA_ACCEPTANCE_LABELS: Record<OrcaAcceptanceState, string> = {
  queued: 'ORCA受付 送信待ち',
  sending: 'ORCA受付 確認中',
  sent: 'ORCA受付済',
  cancel_queued: 'ORCA取消 送信待ち',
  cancelled: 'ORCA受付取消済',
  failed: 'ORCA受付エラー',
};

export const ORCA_MEDICAL_STATES = ['none', 'queued', 'sending', 'sent', 'failed'] as const;
export type OrcaMedicalState = (typeof ORCA_MEDICAL_STATES)[number];

/** ORCA's 予約 for an EHR appointment (OrcaAppointmentLink), for a clinic that keeps its 予約 in ORCA. */
export const ORCA_APPOINTMENT_STATES = ['queued', 'sending', 'sent', 'cancel_queued', 'cancelled', 'failed'] as const;
export type OrcaAppointmentState = (typeof ORCA_APPOINTMENT_STATES)[number];
export const ORCA_APPOINTMENT_LABELS: Record<OrcaAppointmentState, string> = {
  queued: 'ORCA予約 送信待ち',
  sending: 'ORCA予約 確認中',
  sent: 'ORCA予約済',
  cancel_queued: 'ORCA予約取消 送信待ち',
  cancelled: 'ORCA予約取消済',
  failed: 'ORCA予約エラー',
};

/** A 受付 made at the ORCA counter (OrcaCounterAcceptance): on the board, taken over into the EHR queue, or gone from ORCA. */
export const ORCA_COUNTER_STATES = ['open', 'taken', 'gone'] as const;
export type OrcaCounterState = (typeof ORCA_COUNTER_STATES)[number];

export const ORCA_BILLING_STATES = ['none', 'waiting', 'billed', 'paid'] as const;
export type OrcaBillingState = (typeof ORCA_BILLING_STATES)[number];
export const ORCA_BILLING_LABELS: Record<OrcaBillingState, string> = {
  none: '',
  waiting: '会計待ち',
  billed: '請求額確定',
  paid: '会計済',
};

/** 診療内容区分 sent with a 受付 (ORCA acceptmodv2 Medical_Information). */
export const ORCA_MEDICAL_INFORMATION_CODES = ['01', '02', '03', '04', '05', '06', '07', '99'] as const;
export const ORCA_MEDICAL_INFORMATION_LABELS: Record<(typeof ORCA_MEDICAL_INFORMATION_CODES)[number], string> = {
  '01': '01 診察１',
  '02': '02 薬のみ',
  '03': '03 注射のみ',
  '04': '04 検査のみ',
  '05': '05 リハビリテーション',
  '06': '06 健康診断',
  '07': '07 予防注射',
  '99': '99 該当なし',
};

export const ORCA_NUMBERING_LABELS: Record<OrcaNumberingMaster, string> = {
  orca: 'ORCAが患者番号を付ける（電子カルテはORCAの患者番号を併せて保持）',
  ehr: '電子カルテの患者番号をそのままORCAに登録する',
};

/** The ORCA link's job queues as the admin reads them (names in lib/orca/orca-queues.ts). */
export const ORCA_QUEUE_LABELS: Record<string, string> = {
  'orca.acceptance': '受付の送信・取消',
  'orca.medical': '診療行為（中途データ）の送信',
  'orca.diseases': '病名の送信',
  'orca.billing': '会計の取得',
  'orca.counter': 'ORCA窓口受付の取得',
  'orca.appointment': '予約の送信・取消',
};
