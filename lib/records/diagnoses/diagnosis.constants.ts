/** Values shared by the diagnosis forms and schema; no zod here, so client components stay small. */
/** 修飾語コード of 「の疑い」 (支払基金 修飾語マスター z, 接尾語). Kept in step with isSuspected. */
export const SUSPECTED_MODIFIER_CODE = '8002';
export const SUSPECTED_MODIFIER_NAME = 'の疑い';

export const DIAGNOSIS_OUTCOMES = ['cured', 'died', 'discontinued', 'transferred'] as const;
export type DiagnosisOutcome = (typeof DIAGNOSIS_OUTCOMES)[number];
export const OUTCOME_LABELS: Record<DiagnosisOutcome, string> = {
  cured: '治癒',
  died: '死亡',
  discontinued: '中止',
  transferred: '転医',
};

/** 未告知 (UNINFORMED), 長期保存 (LTS), 未提供 (UNDELIVERED: not to be shared with the national service). */
export const DIAGNOSIS_FLAGS = ['uninformed', 'longTermStorage', 'undelivered'] as const;
export type DiagnosisFlag = (typeof DIAGNOSIS_FLAGS)[number];
export const FLAG_LABELS: Record<DiagnosisFlag, string> = { uninformed: '未告知', longTermStorage: '長期保存', undelivered: '未提供' };
