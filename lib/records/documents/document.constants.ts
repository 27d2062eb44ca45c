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

/** The choice code systems of the 問診 answers (urn:oid:1.2.392.200119.6.<n>), as the eCheckup package lists them. */
const YES_NO = { system: 'urn:oid:1.2.392.200119.6.2003', choices: { '1': 'はい', '2': 'いいえ' } } as const;

/**
 * 特定健診 標準的な質問票 (問診, section 01012 特定健診問診結果): the 22 questions with the item codes of the eCheckup
 * package (urn:oid:1.2.392.200119.6.1005), the code system of the answer and its choices (codes as the package has them).
 */
export const QUESTIONNAIRE_ITEMS = [
  { key: 'medBp', no: 1, label: '服薬（血圧を下げる薬）', code: '9N701000000000011', display: '服薬１（血圧）', ...YES_NO },
  { key: 'medGlucose', no: 2, label: '服薬（血糖を下げる薬・インスリン）', code: '9N706000000000011', display: '服薬２（血糖）', ...YES_NO },
  { key: 'medLipid', no: 3, label: '服薬（コレステロール・中性脂肪を下げる薬）', code: '9N711000000000011', display: '服薬３（脂質）', ...YES_NO },
  { key: 'histStroke', no: 4, label: '既往歴（脳卒中）', code: '9N716000000000011', display: '既往歴１（脳血管）', ...YES_NO },
  { key: 'histHeart', no: 5, label: '既往歴（心臓病）', code: '9N721000000000011', display: '既往歴２（心血管）', ...YES_NO },
  { key: 'histKidney', no: 6, label: '既往歴（慢性腎臓病・腎不全・人工透析）', code: '9N726000000000011', display: '既往歴３（腎不全・人工透析）', ...YES_NO },
  { key: 'anemia', no: 7, label: '貧血といわれたことがある', code: '9N731000000000011', display: '貧血', ...YES_NO },
  {
    key: 'smoking', no: 8, label: '喫煙', code: '9N736000000000011', display: '喫煙', system: 'urn:oid:1.2.392.200119.6.24060',
    choices: { '1': 'はい', '2': '以前は吸っていたが、最近1ヶ月間は吸っていない', '3': 'いいえ' },
  },
  { key: 'weightGain', no: 9, label: '20歳の時の体重から10kg以上増加', code: '9N741000000000011', display: '２０歳からの体重変化', ...YES_NO },
  { key: 'exercise', no: 10, label: '1回30分以上の軽く汗をかく運動を週2日以上・1年以上', code: '9N746000000000011', display: '３０分以上の運動習慣', ...YES_NO },
  { key: 'activity', no: 11, label: '歩行又は同等の身体活動を1日1時間以上', code: '9N751000000000011', display: '歩行又は身体活動', ...YES_NO },
  { key: 'walkSpeed', no: 12, label: '同年代の同性と比べて歩く速度が速い', code: '9N756000000000011', display: '歩行速度', ...YES_NO },
  { key: 'chewing', no: 13, label: '食事をかんで食べる時の状態', code: '9N872000000000011', display: '咀嚼', system: 'urn:oid:1.2.392.200119.6.18030', choices: { '1': '何でも', '2': 'かみにくい', '3': 'ほとんどかめない' } },
  { key: 'eatingSpeed', no: 14, label: '人と比較して食べる速度', code: '9N766000000000011', display: '食べ方1（早食い等）', system: 'urn:oid:1.2.392.200119.6.2004', choices: { '1': '速い', '2': 'ふつう', '3': '遅い' } },
  { key: 'lateDinner', no: 15, label: '就寝前の2時間以内に夕食をとることが週3回以上', code: '9N771000000000011', display: '食べ方２（就寝前）', ...YES_NO },
  { key: 'snacks', no: 16, label: '朝昼夕の3食以外に間食や甘い飲み物', code: '9N782000000000011', display: '食べ方３（間食）', system: 'urn:oid:1.2.392.200119.6.18040', choices: { '1': '毎日', '2': '時々', '3': 'ほとんど摂取しない' } },
  { key: 'skipBreakfast', no: 17, label: '朝食を抜くことが週3回以上', code: '9N781000000000011', display: '食習慣', ...YES_NO },
  {
    key: 'drinking', no: 18, label: '飲酒の頻度', code: '9N786000000000011', display: '飲酒', system: 'urn:oid:1.2.392.200119.6.24040',
    choices: { '1': '毎日', '2': '週5～6日', '3': '週3～4日', '4': '週1～2日', '5': '月に1～3日', '6': '月に1日未満', '7': 'やめた', '8': '飲まない(飲めない)' },
  },
  {
    key: 'drinkAmount', no: 19, label: '飲酒日の1日当たりの飲酒量', code: '9N791000000000011', display: '飲酒量', system: 'urn:oid:1.2.392.200119.6.24050',
    choices: { '1': '1合未満', '2': '1～2合未満', '3': '2～3合未満', '4': '3～5合未満', '5': '5合以上' },
  },
  { key: 'sleep', no: 20, label: '睡眠で休養が十分とれている', code: '9N796000000000011', display: '睡眠', ...YES_NO },
  {
    key: 'lifestyle', no: 21, label: '運動や食生活等の生活習慣の改善', code: '9N801000000000011', display: '生活習慣の改善', system: 'urn:oid:1.2.392.200119.6.2007',
    choices: { '1': '意志なし', '2': '意志あり(6か月以内)', '3': '意志あり(近いうち)', '4': '取組済み(6ヶ月未満)', '5': '取組済み(6ヶ月以上)' },
  },
  { key: 'guidance', no: 22, label: '特定保健指導の利用の機会があれば利用する', code: '9N808000000000011', display: '特定保健指導の受診歴', ...YES_NO },
] as const;
export type QuestionnaireKey = (typeof QUESTIONNAIRE_ITEMS)[number]['key'];
/** The answers of a 問診: each question's choice code ('' or absent: not answered). */
export type QuestionnaireAnswers = Partial<Record<QuestionnaireKey, string>>;
