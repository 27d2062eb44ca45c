/** A validation finding, in Japanese, pointing at the record and the field a person has to fix. */
export interface FhirIssue {
  severity: 'error' | 'warning';
  /** for staff: what is wrong and what to do */
  message: string;
  /** Patient | Condition | AllergyIntolerance | Observation | MedicationRequest | Composition | Bundle */
  resourceType: string;
  /** the record: the lineage id of a diagnosis/allergy/lab result, the patient id, or null for the bundle itself */
  recordId: string | null;
  /** the record's field to fix, as the chart names it */
  field: string;
  /** FHIRPath of the element, for the raw view */
  expression: string;
  /** profile constraint key, 'structure', or the IG rule id */
  rule: string;
}

const RECORD_NAMES: Record<string, string> = {
  Patient: '患者情報',
  Condition: '傷病名',
  AllergyIntolerance: 'アレルギー',
  Observation: '検査結果',
  MedicationRequest: '処方',
  Bundle: '送信データ',
};

export function recordName(resourceType: string): string {
  return RECORD_NAMES[resourceType] ?? resourceType;
}

/** Field labels by element path (longest prefix wins). */
const FIELD_LABELS: [string, string][] = [
  ['Bundle.identifier', '送信単位の識別子'],
  ['Bundle.entry', '送信データの構成'],
  ['Bundle.meta', '送信データの種別'],
  ['Bundle', '送信データ'],
  ['Patient.identifier', '保険証（保険者番号・記号・番号・枝番）'],
  ['Patient.name', '氏名・カナ氏名'],
  ['Patient.gender', '性別'],
  ['Patient.birthDate', '生年月日'],
  ['Patient.address', '住所'],
  ['Patient', '患者情報'],
  ['Condition.code.extension', '修飾語'],
  ['Condition.code', '傷病名（コード）'],
  ['Condition.onset', '開始日'],
  ['Condition.abatement', '転帰日'],
  ['Condition.clinicalStatus', '転帰'],
  ['Condition.verificationStatus', '疑い'],
  ['Condition.meta.tag', 'フラグ（長期保存・未告知・未提供）'],
  ['Condition.extension', '診療科・主病名'],
  ['Condition', '傷病名'],
  ['AllergyIntolerance.code', 'アレルゲン（コード）'],
  ['AllergyIntolerance.category', '分類'],
  ['AllergyIntolerance.reaction', '症状・重症度'],
  ['AllergyIntolerance.meta.tag', 'フラグ（長期保存）'],
  ['AllergyIntolerance.extension', '診療科'],
  ['AllergyIntolerance', 'アレルギー'],
  ['Observation.code', '検査項目（コード）'],
  ['Observation.value', '結果値'],
  ['Observation.dataAbsentReason', '結果値'],
  ['Observation.performer', '依頼医'],
  ['Observation.contained', '依頼医・受診情報'],
  ['Observation.specimen', '材料'],
  ['Observation.effective', '採取日時'],
  ['Observation.extension', '診療科'],
  ['Observation.status', '状態'],
  ['Observation', '検査結果'],
  ['MedicationRequest.medication', '薬剤（コード・名称）'],
  ['MedicationRequest.dosageInstruction', '用法・用量'],
  ['MedicationRequest.dispenseRequest', '日数・リフィル'],
  ['MedicationRequest.substitution', '変更不可'],
  ['MedicationRequest.status', '状態'],
  ['MedicationRequest.intent', '指示の種別'],
  ['MedicationRequest', '処方'],
];

export function fieldLabel(expression: string): string {
  const path = expression.replace(/\[\d+\]/g, '');
  return FIELD_LABELS.find(([prefix]) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(prefix))?.[1] ?? path;
}
