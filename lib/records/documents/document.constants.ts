/** Clinical documents (issue 11): the kinds (ClinicalDocument.kind, TEXT + CHECK) and their labels. No imports: client-safe. */
export const DOCUMENT_KINDS = ['referral', 'discharge_summary', 'checkup_report'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_KIND_LABELS: Record<DocumentKind, string> = {
  referral: '診療情報提供書',
  discharge_summary: '退院時サマリー',
  checkup_report: '健康診断結果報告書',
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

/**
 * 健康診断結果報告書 (特定健診): the measured items the report carries, with the 特定健診 JLAC10 codes
 * (urn:oid:1.2.392.200119.6.1005) of the eCheckup package, the UCUM unit, the Observation category and, for lab
 * items, the JLAC10 analyte (first five characters) a clinic lab result is matched by in the prefill.
 */
export const CHECKUP_ITEMS = [
  { key: 'height', label: '身長', code: '9N001000000000001', display: '身長', unit: 'cm', ucum: 'cm', category: 'body-measurement', analyte: null, max: 250 },
  { key: 'weight', label: '体重', code: '9N006000000000001', display: '体重', unit: 'kg', ucum: 'kg', category: 'body-measurement', analyte: null, max: 300 },
  { key: 'bmi', label: 'BMI', code: '9N011000000000001', display: 'BMI', unit: 'kg/m2', ucum: 'kg/m2', category: 'body-measurement', analyte: null, max: 100 },
  { key: 'waist', label: '腹囲', code: '9N016160100000001', display: '腹囲', unit: 'cm', ucum: 'cm', category: 'body-measurement', analyte: null, max: 250 },
  { key: 'systolic', label: '収縮期血圧', code: '9A751000000000001', display: '収縮期血圧（１回目）', unit: 'mmHg', ucum: 'mm[Hg]', category: 'vital-signs', analyte: null, max: 300 },
  { key: 'diastolic', label: '拡張期血圧', code: '9A761000000000001', display: '拡張期血圧（１回目）', unit: 'mmHg', ucum: 'mm[Hg]', category: 'vital-signs', analyte: null, max: 200 },
  { key: 'triglyceride', label: '中性脂肪', code: '3F015000002327101', display: '空腹時中性脂肪', unit: 'mg/dL', ucum: 'mg/dL', category: 'laboratory', analyte: '3F015', max: 10000 },
  { key: 'hdl', label: 'HDLコレステロール', code: '3F070000002327101', display: 'ＨＤＬコレステロール', unit: 'mg/dL', ucum: 'mg/dL', category: 'laboratory', analyte: '3F070', max: 1000 },
  { key: 'ldl', label: 'LDLコレステロール', code: '3F077000002327101', display: 'ＬＤＬコレステロール', unit: 'mg/dL', ucum: 'mg/dL', category: 'laboratory', analyte: '3F077', max: 2000 },
  { key: 'ast', label: 'AST（GOT）', code: '3B035000002327201', display: 'ＡＳＴ（ＧＯＴ）', unit: 'U/L', ucum: 'U/L', category: 'laboratory', analyte: '3B035', max: 10000 },
  { key: 'alt', label: 'ALT（GPT）', code: '3B045000002327201', display: 'ＡＬＴ（ＧＰＴ）', unit: 'U/L', ucum: 'U/L', category: 'laboratory', analyte: '3B045', max: 10000 },
  { key: 'ggt', label: 'γ-GT', code: '3B090000002327101', display: 'γ－ＧＴ（γ－ＧＴＰ）', unit: 'U/L', ucum: 'U/L', category: 'laboratory', analyte: '3B090', max: 10000 },
  { key: 'glucose', label: '空腹時血糖', code: '3D010000001926101', display: '空腹時血糖', unit: 'mg/dL', ucum: 'mg/dL', category: 'laboratory', analyte: '3D010', max: 2000 },
  { key: 'hba1c', label: 'HbA1c（NGSP）', code: '3D046000001906202', display: 'ＨｂＡ１ｃ（ＮＧＳＰ）', unit: '%', ucum: '%', category: 'laboratory', analyte: '3D046', max: 30 },
] as const;
export type CheckupItemKey = (typeof CHECKUP_ITEMS)[number]['key'];

/** 尿糖 / 尿蛋白 (定性): the 特定健診 choice codes (urn:oid:1.2.392.200119.6.2102). */
export const URINE_RESULTS = { '1': '－', '2': '±', '3': '＋', '4': '＋＋', '5': '＋＋＋' } as const;
export const URINE_ITEMS = [
  { key: 'urineGlucose', label: '尿糖', code: '1A020000000191111', display: '尿糖' },
  { key: 'urineProtein', label: '尿蛋白', code: '1A010000000191111', display: '尿蛋白' },
] as const;
/** メタボリックシンドローム判定 (urn:oid:1.2.392.200119.6.1008). */
export const METABOLIC_JUDGMENTS = { '1': '基準該当', '2': '予備群該当', '3': '非該当', '4': '判定不能' } as const;

/** 添付資料: the file types a document may carry (DocumentAttachment.contentType, TEXT + CHECK) and their labels. */
export const ATTACHMENT_CONTENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type AttachmentContentType = (typeof ATTACHMENT_CONTENT_TYPES)[number];
export const ATTACHMENT_TYPE_LABELS: Record<AttachmentContentType, string> = { 'application/pdf': 'PDF', 'image/png': 'PNG画像', 'image/jpeg': 'JPEG画像' };
/** One file at most 3 MB (sent base64 through a server action, whose limit is 5 MB); at most 5 files a document. */
export const ATTACHMENT_MAX_BYTES = 3 * 1024 * 1024;
export const ATTACHMENT_MAX_FILES = 5;
/** The document kinds a 診療情報提供書 may carry attached (the IG sends a 退院時サマリー attached to a referral). */
export const ATTACHABLE_DOCUMENT_KINDS = ['discharge_summary', 'checkup_report'] as const;
