/**
 * The ORCA sandbox's fixture data (docs/orca.md "Sandbox"): 診療科, ドクター, a small 点数マスタ and 病名マスタ,
 * and patients shaped like the reference's section 4.4. The demo replaces the patients with the demo clinic's.
 */

export type SandboxInsurance = {
  providerClass: string;
  providerName: string;
  providerNumber: string;
  /** 外来負担率 */
  rate: number;
  publicExpense?: { class: string; name: string; payerNumber: string; recipientNumber: string };
};

export type SandboxPatientFixture = {
  patientId: string;
  name: string;
  kana: string;
  birthDate: string;
  sex: '1' | '2';
  test?: boolean;
  insurances: SandboxInsurance[];
  /** Home_Address_Information (Address_ZipCode, WholeAddress1) */
  zipCode?: string;
  address?: string;
};

export const SANDBOX_DEPARTMENTS: Record<string, string> = { '01': '内科', '02': '小児科', '08': '循環器科', '09': '小児科', '11': '整形外科', '34': 'リハビリテーション科' };
export const SANDBOX_PHYSICIANS: Record<string, string> = { '10001': '桜井　誠一', '10002': '内田　美穂' };
export const SANDBOX_MEDICAL_INFORMATION = ['01', '02', '03', '04', '05', '06', '07', '99'];

/** 点数マスタ subset: points per unit (drugs: 薬価/10, so fractional). */
export const SANDBOX_POINT_MASTER: Record<string, { name: string; points: number }> = {
  '111000110': { name: '初診料', points: 291 },
  '112007410': { name: '再診料', points: 75 },
  '112011310': { name: '外来管理加算', points: 52 },
  '120002910': { name: '処方箋料（その他）', points: 60 },
  '120001210': { name: '処方料（その他）', points: 42 },
  '616140105': { name: 'クラリス錠２００　２００ｍｇ', points: 3.14 },
  '620000033': { name: 'カロナール錠２００　２００ｍｇ', points: 0.59 },
  '001000101': { name: '医師の指示通りに', points: 0 },
  '160008010': { name: '末梢血液一般検査', points: 21 },
  '160000310': { name: 'ＨｂＡ１ｃ', points: 49 },
  '810000001': { name: '（コメント）', points: 0 },
  '820100015': { name: '検査実施日：', points: 0 },
};

/** Codes that are "absent from ORCA's 点数マスタ" whatever the rule below says: they raise M01. */
export const SANDBOX_ABSENT_CODES = new Set(['699999999', '160999999']);
/** A code that acsimulatev2 refuses with 50 (e.g. one the clinic may not claim). */
export const SANDBOX_FORBIDDEN_SIMULATION_CODE = '113000910';

/**
 * Drugs the fixture does not list still exist in a real ORCA's 点数マスタ (every レセ電 医薬品コード does), so the
 * sandbox accepts any other 9-digit code starting with 6 at a toy price, so that the demo's prescriptions can be sent.
 */
export function sandboxPoint(code: string): { name: string; points: number } | null {
  if (SANDBOX_ABSENT_CODES.has(code)) return null;
  const known = SANDBOX_POINT_MASTER[code];
  if (known) return known;
  if (/^6\d{8}$/.test(code)) return { name: `医薬品${code}`, points: 1 + (Number(code.slice(-3)) % 20) };
  if (/^8[0-9]{8}$/.test(code)) return { name: 'コメント', points: 0 };
  if (/^0[0-9]{8}$/.test(code)) return { name: '用法', points: 0 };
  return null;
}

/** 病名マスタ subset. `replacedBy` marks a 廃止 code (raises W01). */
export const SANDBOX_DISEASE_MASTER: Record<string, { name: string; replacedBy?: string }> = {
  '8830417': { name: '胃炎' },
  '7840024': { name: '頭痛' },
  '4011001': { name: '本態性高血圧症' },
  '2500013': { name: '２型糖尿病' },
  '4659007': { name: '急性上気道炎' },
  ZZZ8002: { name: 'の疑い' },
  ZZZ2057: { name: '急性' },
  '5329001': { name: '胃潰瘍（旧）', replacedBy: '5319009' },
  '5319009': { name: '胃潰瘍' },
};

export const SANDBOX_PATIENTS: SandboxPatientFixture[] = [
  {
    patientId: '00001',
    name: '山田　太郎',
    kana: 'ヤマダ　タロウ',
    birthDate: '1960-05-10',
    sex: '1',
    insurances: [
      { providerClass: '060', providerName: '国保', providerNumber: '138057', rate: 0.3, publicExpense: { class: '051', name: '特疾', payerNumber: '51136018', recipientNumber: '1234567' } },
    ],
  },
  { patientId: '00002', name: '佐藤　花子', kana: 'サトウ　ハナコ', birthDate: '1985-11-03', sex: '2', insurances: [{ providerClass: '009', providerName: '協会', providerNumber: '01130012', rate: 0.3 }] },
  { patientId: '00003', name: '鈴木　一郎', kana: 'スズキ　イチロウ', birthDate: '1972-02-20', sex: '1', insurances: [{ providerClass: '980', providerName: '自費', providerNumber: '', rate: 1 }] },
  { patientId: '00004', name: 'テスト　患者', kana: 'テスト　カンジャ', birthDate: '2000-01-01', sex: '1', test: true, insurances: [{ providerClass: '009', providerName: '協会', providerNumber: '01130012', rate: 0.3 }] },
  { patientId: '00005', name: '佐藤　花子', kana: 'サトウ　ハナコ', birthDate: '1950-07-07', sex: '2', insurances: [{ providerClass: '039', providerName: '後期高齢者', providerNumber: '39131014', rate: 0.1 }] },
];
