/**
 * 臨床検査項目基本コードセット (JP-CLINS): the 43 core lab items ("43項目") and the 5 infection
 * items ("感染症5項目") as a typed constant table, plus lookup helpers and H/L/N flagging.
 *
 * Sources (read once while writing this file; the product never reads them at run time):
 * - JP-CLINS 1.5.2 package CodeSystems JP_CLINS_ObsLabResult_CoreLabo_CS / _InfectionLabo_CS
 *   (JLAC10 codes per slice group, and the display strings the 1.5.2 slices fix).
 * - laboitemset_20231104 (core43 / infection5 sheets): JLAC10 codes incl. the revised column,
 *   units, numeric formats.
 * - jpclins-1.10.0-dev-20250208 lab slice list: the revised FHIR識別名 (display) per slice.
 *
 * ## Target version and display strings
 * `JP_CLINS_VERSION` is the one switch. Every item carries the display for both 1.5.2 and 1.10.0
 * (`displays`) and `display` is the one for `JP_CLINS_VERSION`. We target 1.10.0 (the newest
 * revision we have slice data for; 1.12 is published but its slice list was not available).
 * Display strings that changed between 1.5.2 and 1.7–1.10, for the slices used in this table:
 *   bs 'BS' -> bg 'BG' (plus fbs 'FBS' -> fbg 'FBG', new cbg 'CBG' for 随時血糖)
 *   u-pc 'U-pc' -> 'U-P/C';  u-ac 'U-ac' -> 'U-A/C'
 *   abo-bld 'ABO-BLD' -> '血液型-ABO';  rh-bld 'Rh-BLD' -> '血液型-Rh'  (U+8840 血, not the
 *     Kangxi radical U+2F8E used in the 1.5.2 CodeSystem display '⾎液型-ABO')
 *   infection '(判定)' -> '(定性)': HBs抗原, HCV抗体, HIV-1+2抗体・p24抗原
 * Changed in slices this table does not use as the item's main slice: PT-sec/PT-ratio/PT-act ->
 * PT-秒/PT比/PT-活性%, U-Glu-定性半定量 -> U-Glu-半定量, DD-class -> DD-定性; 1.10 drops the
 * 梅毒反応, 梅毒STS(判定), HBs抗原(S/CO), HBs抗原(コントロール比) and similar infection slices.
 *
 * ## One entry per item
 * The code set numbers some items with sub-slices (15-1..3 血糖, 17-1..3 TG, 32-1..4 PT,
 * 33 DD, 34–36 尿定性/半定量, 41 CRP). The table keeps exactly one entry per numbered item and
 * uses the main quantitative (or, for urine dipstick, qualitative) slice; for PT the entry is
 * PT-INR (32-4), the value clinics act on. `knownJlac10` lists every code of the slice's
 * 1.5.2 ValueSet plus the laboitemset codes (old and revised), so lab codes for other
 * methods/specimens resolve to the item. `variants` give the display for 随時/空腹時 codes.
 *
 * `jlac10` is the representative code for manual entry: a serum/plasma code of the standard
 * method that appears in the 1.5.2 CodeSystem, except 血糖 (3D010000002227101, the generic
 * 血糖(定量) code of laboitemset: the 1.5.2 BS group only held 随時 codes 3D0101299…).
 * LD and ALP use the IFCC-method codes to match the IFCC-based reference intervals below.
 *
 * ## Reference intervals
 * 日本における主要な臨床検査項目の共用基準範囲 (JCCLS, 2014 / 2019 revision; ALP and LD
 * IFCC values from the 2020 method change). Sex-specific where JCCLS gives separate ranges.
 * Items without a JCCLS 共用基準範囲 (Cys-C, D-Bil, APTT, PT-INR, DD, BNP, NT-proBNP,
 * U-P/C, U-A/C, the qualitative items) have `reference` undefined: use the lab's own range.
 * Cell counts are converted only in unit of presentation (WBC 3.3–8.6 ×10³/μL = 3300–8600 /μL;
 * RBC ×10⁶/μL -> ×10⁴/μL; PLT ×10³/μL -> ×10⁴/μL) to match the code set's units.
 */

export const JP_CLINS_VERSION = '1.10.0' as const;
export type JpClinsVersion = '1.5.2' | '1.10.0';

export const CORE_LAB_CODE_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_CoreLabo_CS';
export const INFECTION_LAB_CODE_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_InfectionLabo_CS';
export const JLAC10_CODE_SYSTEM = 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits';
export const UNCODED_LAB_CODE_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_Uncoded_CS';
export const UNCODED_LAB_CODE = '99999999999999999';
export const LOCAL_LAB_CODE_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_LocalCode_CS';

export type LabItemSet = 'core' | 'infection';
/** numeric: valueQuantity; ordinal: graded text (陰性/陽性, (-)…(4+)); nominal: ABO/Rh (no flag). */
export type LabValueType = 'numeric' | 'ordinal' | 'nominal';
export type LabSex = 'male' | 'female';
export type LabFlag = 'H' | 'L' | 'N';

export interface LabRange {
  readonly low?: number;
  readonly high?: number;
}
export interface LabReference {
  readonly all?: LabRange;
  readonly male?: LabRange;
  readonly female?: LabRange;
  readonly source: string;
}
export interface LabCodeVariant {
  readonly label: string;
  readonly displays: Readonly<Record<JpClinsVersion, string>>;
  readonly codes: readonly string[];
}
export interface LabItem {
  /** short stable key, stored in LabResult.itemKey */
  readonly key: string;
  readonly set: LabItemSet;
  /** number in the code set, e.g. '4', '15-1', '3-2' */
  readonly no: string;
  /** slice name in the target IG version */
  readonly sliceId: string;
  /** representative JLAC10 17-character code */
  readonly jlac10: string;
  /** CodeSystem URI (core or infection) */
  readonly codeSystem: string;
  /** FHIR識別名 for JP_CLINS_VERSION (the fixed slice display) */
  readonly display: string;
  readonly displays: Readonly<Record<JpClinsVersion, string>>;
  /** Japanese name for staff */
  readonly nameJa: string;
  /** unit as written in FHIR valueQuantity.unit (UCUM-ish, as the IG examples) */
  readonly unit: string | null;
  /** unit for Japanese screens */
  readonly unitDisplay: string | null;
  /** other spellings of the same unit (no conversion implied) */
  readonly unitAliases: readonly string[];
  /** 材料 (short) and the JLAC10 specimen part of `jlac10` */
  readonly specimen: string;
  readonly specimenCode: string;
  readonly valueType: LabValueType;
  readonly decimals: number | null;
  /** allowed normalised values for ordinal/nominal items */
  readonly ordinalValues?: readonly string[];
  /** the normal (reference) value of an ordinal item */
  readonly normalValue?: string;
  readonly reference?: LabReference;
  readonly knownJlac10: readonly string[];
  readonly variants?: readonly LabCodeVariant[];
  readonly aliases: readonly string[];
}

/** JLAC10 specimen (材料) codes used by the items here (JP_ObservationSampleMaterialCode_CS). */
export const JLAC10_SPECIMENS: Readonly<Record<string, { readonly name: string; readonly short: string }>> = {
  '001': { name: '尿(含むその他)', short: '尿' },
  '004': { name: '蓄尿', short: '蓄尿' },
  '018': { name: '全血', short: '全血' },
  '019': { name: '全血(添加物入り)', short: '全血' },
  '020': { name: '動脈血', short: '動脈血' },
  '021': { name: '毛細管血', short: '毛細管血' },
  '022': { name: '血漿', short: '血漿' },
  '023': { name: '血清', short: '血清' },
};

export const URINE_GRADES = ['(-)', '(±)', '(+)', '(2+)', '(3+)', '(4+)'] as const;
export const INFECTION_RESULTS = ['陰性', '判定保留', '陽性'] as const;
export const ABO_VALUES = ['A', 'B', 'O', 'AB'] as const;
export const RH_VALUES = ['陽性', '陰性'] as const;

const JCCLS = 'JCCLS 共用基準範囲 (2019; ALP/LD: IFCC 2020)';

/** JLAC10 codes per item, derived once from the 1.5.2 CodeSystems and laboitemset_20231104. */
const CODES: Record<string, string> = {
  TP: '3A010000002329101 3A010000002229101 3A010000002327101 3A010000002227101 3A010000002399801 3A010000002399901',
  ALB: '3A015000002329101 3A015000002229101 3A015000002327101 3A015000002227101 3A015000002306301 3A015000002206301 3A015000001827101 3A015000001899801 3A015000002399801 3A015000001899901 3A015000002399901',
  CK: '3B010000002327201 3B010000002227201 3B010000002329101 3B010000002229101 3B010000002327801 3B010000002227801 3B010000001929101 3B010000002327101 3B010000001999801 3B010000002399801 3B010000001999901 3B010000002399901',
  AST: '3B035000002327201 3B035000002329101 3B035000002229101 3B035000002327801 3B035000002227801 3B035000002227201 3B035000002327701 3B035000002227701 3B035000001827701 3B035000001929101 3B035000002327901 3B035000002227901 3B035000002329001 3B035000002229001 3B035000001899801 3B035000001999801 3B035000002399801 3B035000001899901 3B035000001999901 3B035000002399901',
  ALT: '3B045000002327201 3B045000002329101 3B045000002229101 3B045000002327801 3B045000002227801 3B045000002227201 3B045000002327701 3B045000002227701 3B045000001827701 3B045000001929101 3B045000002327901 3B045000002227901 3B045000002329001 3B045000002229001 3B045000001899801 3B045000001999801 3B045000002399801 3B045000001899901 3B045000001999901 3B045000002399901',
  LD: '3B050000002327201 3B050000002329101 3B050000002229101 3B050000002327801 3B050000002227801 3B050000002227201 3B050000002327901 3B050000002227901 3B050000002329001 3B050000002229001 3B050000002399801 3B050000002399901',
  ALP: '3B070000002327101 3B070000002329101 3B070000002229101 3B070000002327701 3B070000002227701 3B070000002227101 3B070000001929101 3B070000002329001 3B070000002229001 3B070000002327501 3B070000002227501 3B070000001829101 3B070000001999801 3B070000001899801 3B070000002399801 3B070000001999901 3B070000001899901 3B070000002399901',
  GGT: '3B090000002327701 3B090000002329101 3B090000002229101 3B090000002227701 3B090000002327101 3B090000002227101 3B090000001827701 3B090000001929101 3B090000001999801 3B090000001899801 3B090000002399801 3B090000001999901 3B090000001899901 3B090000002399901',
  ChE: '3B110000002329101 3B110000002229101 3B110000002327701 3B110000002227701 3B110000002327201 3B110000002227201 3B110000002327101 3B110000002227101 3B110000002399801 3B110000002399901',
  AMY: '3B160000002327701 3B160000002329101 3B160000002229101 3B160000002327101 3B160000002227701 3B160000002227101 3B160000001827701 3B160000001929101 3B160000001999801 3B160000001899801 3B160000002399801 3B160000001999901 3B160000001899901 3B160000002399901',
  CRE: '3C015000002329101 3C015000002229101 3C015000002327101 3C015000002227101 3C015000001829101 3C015000001826201 3C015000001926201 3C015000002126201 3C015000002026201 3C015000001999801 3C015000001899801 3C015000002399801 3C015000001999901 3C015000001899901 3C015000002399901',
  CysC: '3C016000002306201 3C016000002206201 3C016000002106201 3C016000001906201 3C016000002306401 3C016000002206401 3C016000002306301 3C016000002206301 3C016000002302301 3C016000002202301 3C016000002199801 3C016000002399801 3C016000002199901 3C016000002399901',
  UA: '3C020000002329101 3C020000002229101 3C020000002327101 3C020000002227101 3C020000001929101 3C020000002327201 3C020000002227201 3C020000001927201 3C020000001999801 3C020000002399801 3C020000001999901 3C020000002399901',
  BUN: '3C025000002329101 3C025000002229101 3C025000002327201 3C025000002227201 3C025000001827101 3C025000002327101 3C025000002227101 3C025000002326401 3C025000002226401 3C025000001929101 3C025000001826201 3C025000001829101 3C025000001999801 3C025000001899801 3C025000002399801 3C025000001999901 3C025000001899901 3C025000002399901',
  GLU: '3D010000002227101 3D010000002227201 3D010000001827101 3D010000002327201 3D010000002126201 3D010000002327101 3D010000002326201 3D010000001929101 3D010000001826201 3D010000002329101 3D010000001829101 3D010000001926201 3D010000002226201 3D010000002229101 3D010170102126201 3D010170102129101 3D010000002129101 3D010170102199801 3D010000002199801 3D010000002299801 3D010000001999801 3D010000001899801 3D010000002399801 3D010170102199901 3D010000002199901 3D010000002299901 3D010000001999901 3D010000001899901 3D010000002399901',
  HbA1c: '3D046000001921002 3D046000001906102 3D046000001906202 3D046000001927102 3D046000001923702 3D046000002129102 3D046000001929102 3D046000001806202 3D046000002106202 3D046000001906101 3D046000001927101 3D046000002119002 3D046000001819002 3D046000002127102 3D046000001829102 3D046000001829101 3D046000001929101 3D046000002104402 3D046000001904402 3D046000002104401 3D046000001904401 3D046000001920402 3D046000001806201 3D046000002199802 3D046000001899801 3D046000001999802 3D046000002199902 3D046000001899901 3D046000001999902',
  TG: '3F015000002327101 3F015000002227101 3F015000001927101 3F015000002127101 3F015000002329101 3F015000002229101 3F015000001827101 3F015000001829101 3F015000002129101 3F015000002327201 3F015000002299801 3F015000002399801 3F015000002299901 3F015000002399901',
  TCHO: '3F050000002327101 3F050000002227101 3F050000001927101 3F050000002127101 3F050000002329101 3F050000002229101 3F050000002327201 3F050000002227201 3F050000001827101 3F050000001929101 3F050000002129101 3F050000001829101 3F050000002299801 3F050000002399801 3F050000002299901 3F050000002399901',
  HDLC: '3F070000002327101 3F070000002227101 3F070000001927101 3F070000002127101 3F070000002329101 3F070000002229101 3F070000002327201 3F070000002129101 3F070000001829101 3F070000002299801 3F070000002399801 3F070000002299901 3F070000002399901',
  LDLC: '3F077000002327101 3F077000002227101 3F077000002327201 3F077000002227201 3F077000002391901 3F077000002291901 3F077000002399801 3F077000002399901',
  Na: '3H010000002327101 3H010000002326101 3H010000001926101 3H010000001826101 3H010000002126101 3H010000001899801 3H010000002399801 3H010000001899901 3H010000002399901',
  K: '3H015000002327201 3H015000002329101 3H015000002326101 3H015000001926101 3H015000001826101 3H015000002126101 3H015000001899801 3H015000002399801 3H015000001899901 3H015000002399901',
  Cl: '3H020000002326101 3H020000001926101 3H020000001826101 3H020000002126101 3H020000001899801 3H020000002399801 3H020000001899901 3H020000002399901',
  Ca: '3H030000002327101 3H030000002329101 3H030000002229101 3H030000002227101 3H030000002327201 3H030000002227201 3H030000002399801 3H030000002399901',
  TBIL: '3J010000002327101 3J010000002329101 3J010000002229101 3J010000002227101 3J010000001927101 3J010000002127101 3J010000001999801 3J010000002399801 3J010000001999901 3J010000002399901',
  DBIL: '3J015000002327101 3J015000002329101 3J015000002229101 3J015000002227101 3J015000002329151 3J015000002399801 3J015000002399901',
  WBC: '2A990000001930952 2A010000001930101 2A010000001999801 2A010000001999901',
  RBC: '2A990000001930951 2A020000001930101 2A020000001999801 2A020000001999901',
  Hb: '2A030000001930901 2A030000001927101 2A030000001929101 2A030000001827101 2A030000001830901 2A030000001826201 2A030000001926201 2A030000002126201 2A030000001829101 2A990000001930953 2A030000001930101 2A030000001999801 2A030000001999901',
  PLT: '2A050000001930901 2A990000001930955 2A050000001930101 2A050000001999801 2A050000001999901',
  APTT: '2B020000002231101 2B020000002231901 2B020000001931901 2B020000002231151 2B020000002231155 2B020000002231152 2B020000002299851 2B020000002299951',
  PTINR: '2B030000002231157 2B030000001831157 2B030000002131157 2B030000001899857 2B030000002199857 2B030000002299857 2B030000001899957 2B030000002199957 2B030000002299957',
  DDIMER: '2B140000002205201 2B140000001905201 2B140000002206201 2B140000002306201 2B140000002202301 2B140000002302301 2B140000002304101 2B140000002204101 2B140000001904101 2B140000001904301 2B140000001919001 2B140000002219001 2B140000002211701 2B140000001904401 2B140000002204401 2B140000001999801 2B140000002399801 2B140000002299801 2B140000001999901 2B140000002399901 2B140000002299901',
  UPRO: '1A990000000191153 1A990000000190153 1A010000000190153 1A010000000191153 1A010000000191111 1A010000000190111 1A010000000199811 1A010000000199911',
  UGLU: '1A990000000191154 1A990000000190154 1A020000000191111 1A020000000190111 1A020000000190154 1A020000000191154 1A990000000199854 1A020000000199811 1A990000000199954 1A020000000199911',
  UBLD: '1A990000000191159 1A990000000190159 1A100000000190159 1A100000000191159 1A100000000191111 1A100000000190111 1A100000000199811 1A100000000199911',
  UPCR: '1A990000000190183 1A990000000191183 1A015000000127128 1A015000000129128 1A990000000199883 1A990000000199983',
  UACR: '3A015000000106151 3A015000000406151 3A015000000106251 3A015000000106128 1A990000000190184 1A990000000191184 1A990000000199884 1A990000000199984',
  BNP: '4Z271000002205101 4Z271000002205201 4Z271000002202301 4Z271000001905201 4Z271000001919001 4Z271000002219001 4Z271000002206201 4Z271000001819001 4Z271000001999801 4Z271000002299801 4Z271000001999901 4Z271000002299901',
  NTproBNP: '4Z272000002305301 4Z272000002205301 4Z272000001919001 4Z272000002305201 4Z272000002205201 4Z272000002302401 4Z272000002202401 4Z272000002302301 4Z272000002202301 4Z272000002219001 4Z272000002204301 4Z272000001904301 4Z272000002305101 4Z272000002205101 4Z272000001905201 4Z272000002104401 4Z272000001904401 4Z272000002204401 4Z272000001999801 4Z272000002299801 4Z272000002399801 4Z272000001999901 4Z272000002299901 4Z272000002399901',
  CRP: '5C070000002206401 5C070000001906401 5C070000002306201 5C070000002206201 5C070000002329101 5C070000002229101 5C070000002306301 5C070000002206301 5C070000002302301 5C070000002202301 5C070000002306101 5C070000002206101 5C070000002204301 5C070000001804301 5C070000001806201 5C070000001906201 5C070000001906101 5C070000002106201 5C070000001829101 5C070000001902301 5C070000002304101 5C070000002204101 5C070000001904101 5C070000001806101 5C070000001919001 5C070000002319001 5C070000002219001 5C070000001819001 5C070000002104401 5C070000001904401 5C070000002204401 5C070000001919501 5C070000002306211 5C070000001899801 5C070000001999801 5C070000002399801 5C070000001899901 5C070000001999901 5C070000002399901',
  ABO: '5H010000001910114 5H010000001910111 5H010000001999811 5H010000001999911',
  Rh: '5H020000001910114 5H020000001910111 5H020000001999811 5H020000001999911',
  STS: '5E074135102311711 5E074135102399811 5E074135102399911',
  TPAb: '5E075135101819011 5E075135101899811 5E075135101899911 5E075135102310311 5E075135102311711 5E075135102319011 5E075135102399811 5E075135102399911',
  HBsAg: '5F016141001819011 5F016141001899811 5F016141001899911 5F016141002302311 5F016141002305111 5F016141002305152 5F016141002305211 5F016141002305311 5F016141002306311 5F016141002310411 5F016141002311711 5F016141002319011 5F016141002399811 5F016141002399911',
  HCVAb: '5F360148202302311 5F360148502305211 5F360148702304111 5F360148702305211 5F360148702306211 5F360148802302311 5F360148802305211 5F360148802305311 5F360151002305211 5F360151002319011 5F360151102305111 5F360151202302311 5F360151302302311 5F360151302305211 5F360151402311711 5F360151502305111 5F360151602306311 5F360151702305211 5F360151802305211 5F360151902305211 5F360152002305211 5F360152102305311 5F360152102399811 5F360152102399911',
  HIVAgAb: '5F560155002302311 5F560155002305111 5F560155002305211 5F560155002305311 5F560155002305351 5F560155002399851 5F560155002399951',
  GLU_CBG: '3D010129902327101 3D010129902227101 3D010129902127101 3D010129902229101 3D010129902329101 3D010129902227201 3D010129902327201 3D010129902326201 3D010129902226201 3D010129901827101 3D010129901929101 3D010129902129101 3D010129901829101 3D010129902126201 3D010129901826201 3D010129902026201 3D010129901926201 3D010129902199101 3D010129901899101 3D010129903326201 3D010129901927101 3D010129902027101 3D010129901926101 3D010129901927201 3D010129902299801 3D010129901999801 3D010129902299901 3D010129901999901',
  GLU_FBG: '3D010000001926101 3D010130001926101 3D010000001927201 3D010130001927201 3D010130001999801 3D010130001999901',
  TG_CTG: '3F015129902327101',
};

type Def = Omit<LabItem, 'display' | 'codeSystem' | 'specimen' | 'specimenCode' | 'knownJlac10' | 'displays' | 'unitAliases' | 'aliases'> & {
  d152: string;
  d110: string;
  unitAliases?: readonly string[];
  aliases?: readonly string[];
};

const both = (d: string) => ({ d152: d, d110: d });
const mf = (male: LabRange, female: LabRange): LabReference => ({ male, female, source: JCCLS });
const all = (low: number, high: number): LabReference => ({ all: { low, high }, source: JCCLS });
const MEQ = ['mmol/L'];
const UNITLESS = { unit: null, unitDisplay: null } as const;
const urine = { valueType: 'ordinal', decimals: null, ordinalValues: URINE_GRADES, normalValue: '(-)', ...UNITLESS } as const;
const infection = { set: 'infection', valueType: 'ordinal', decimals: null, ordinalValues: INFECTION_RESULTS, normalValue: '陰性', ...UNITLESS } as const;

// prettier-ignore
const DEFS: Def[] = [
  { key: 'TP', set: 'core', no: '1', sliceId: 'tp', jlac10: '3A010000002327101', ...both('TP'), nameJa: '総蛋白', unit: 'g/dL', unitDisplay: 'g/dL', valueType: 'numeric', decimals: 1, reference: all(6.6, 8.1), aliases: ['総蛋白', '総タンパク', 'T-P', '総蛋白(TP)'] },
  { key: 'ALB', set: 'core', no: '2', sliceId: 'alb', jlac10: '3A015000002327101', ...both('ALB'), nameJa: 'アルブミン', unit: 'g/dL', unitDisplay: 'g/dL', valueType: 'numeric', decimals: 1, reference: all(4.1, 5.1), aliases: ['アルブミン', 'Alb', 'albumin'] },
  { key: 'CK', set: 'core', no: '3', sliceId: 'ck', jlac10: '3B010000002327201', ...both('CK'), nameJa: 'クレアチンキナーゼ(CK)', unit: 'U/L', unitDisplay: 'U/L', valueType: 'numeric', decimals: 0, reference: mf({ low: 59, high: 248 }, { low: 41, high: 153 }), aliases: ['CPK', 'クレアチンキナーゼ', 'クレアチンキナーゼ(CK)'] },
  { key: 'AST', set: 'core', no: '4', sliceId: 'ast', jlac10: '3B035000002327201', ...both('AST'), nameJa: 'AST(GOT)', unit: 'U/L', unitDisplay: 'U/L', valueType: 'numeric', decimals: 0, reference: all(13, 30), aliases: ['GOT', 'AST(GOT)', 'ASAT'] },
  { key: 'ALT', set: 'core', no: '5', sliceId: 'alt', jlac10: '3B045000002327201', ...both('ALT'), nameJa: 'ALT(GPT)', unit: 'U/L', unitDisplay: 'U/L', valueType: 'numeric', decimals: 0, reference: mf({ low: 10, high: 42 }, { low: 7, high: 23 }), aliases: ['GPT', 'ALT(GPT)', 'ALAT'] },
  { key: 'LD', set: 'core', no: '6', sliceId: 'ld', jlac10: '3B050000002327901', ...both('LD'), nameJa: 'LD(乳酸脱水素酵素)', unit: 'U/L', unitDisplay: 'U/L', valueType: 'numeric', decimals: 0, reference: all(124, 222), aliases: ['LDH', 'LD(LDH)', '乳酸脱水素酵素', 'LD(IFCC)'] },
  { key: 'ALP', set: 'core', no: '7', sliceId: 'alp', jlac10: '3B070000002327501', ...both('ALP'), nameJa: 'ALP(アルカリホスファターゼ)', unit: 'U/L', unitDisplay: 'U/L', valueType: 'numeric', decimals: 0, reference: all(38, 113), aliases: ['アルカリホスファターゼ', 'ALP(IFCC)', 'アルカリホスファターゼ(ALP)'] },
  { key: 'GGT', set: 'core', no: '8', sliceId: 'ggt', jlac10: '3B090000002327101', ...both('GGT'), nameJa: 'γ-GT(γ-GTP)', unit: 'U/L', unitDisplay: 'U/L', valueType: 'numeric', decimals: 0, reference: mf({ low: 13, high: 64 }, { low: 9, high: 32 }), aliases: ['γ-GTP', 'γ-GT', 'γGTP', 'GGTP', 'γ-GT(γ-GTP)', 'γ-GTP(GGT)', 'ガンマGTP', 'r-GTP', 'y-GTP', 'G-GTP'] },
  { key: 'ChE', set: 'core', no: '9', sliceId: 'che', jlac10: '3B110000002327201', ...both('ChE'), nameJa: 'コリンエステラーゼ', unit: 'U/L', unitDisplay: 'U/L', valueType: 'numeric', decimals: 0, reference: mf({ low: 240, high: 486 }, { low: 201, high: 421 }), aliases: ['コリンエステラーゼ', 'コリンエステラーゼ(ChE)'] },
  { key: 'AMY', set: 'core', no: '10', sliceId: 'amy', jlac10: '3B160000002327101', ...both('AMY'), nameJa: 'アミラーゼ', unit: 'U/L', unitDisplay: 'U/L', valueType: 'numeric', decimals: 0, reference: all(44, 132), aliases: ['アミラーゼ', 'アミラ－ゼ', 'S-AMY', 'アミラーゼ(AMY)'] },
  { key: 'CRE', set: 'core', no: '11', sliceId: 'cre', jlac10: '3C015000002327101', ...both('Cre'), nameJa: 'クレアチニン', unit: 'mg/dL', unitDisplay: 'mg/dL', valueType: 'numeric', decimals: 2, reference: mf({ low: 0.65, high: 1.07 }, { low: 0.46, high: 0.79 }), aliases: ['Cr', 'CRTN', 'クレアチニン', '血清クレアチニン', 'creatinine', 'S-Cr', 'クレアチニン(Cre)', '血清クレアチニン(Cre)'] },
  { key: 'CysC', set: 'core', no: '12', sliceId: 'cys-c', jlac10: '3C016000002306201', ...both('Cys-C'), nameJa: 'シスタチンC', unit: 'mg/L', unitDisplay: 'mg/L', valueType: 'numeric', decimals: 2, aliases: ['シスタチンC', 'cystatinC', 'シスタチンC(Cys-C)'] },
  { key: 'UA', set: 'core', no: '13', sliceId: 'ua', jlac10: '3C020000002327101', ...both('UA'), nameJa: '尿酸', unit: 'mg/dL', unitDisplay: 'mg/dL', valueType: 'numeric', decimals: 1, reference: mf({ low: 3.7, high: 7.8 }, { low: 2.6, high: 5.5 }), aliases: ['尿酸', '血清尿酸', 'uric acid', '尿酸(UA)'] },
  { key: 'BUN', set: 'core', no: '14', sliceId: 'bun', jlac10: '3C025000002327101', ...both('BUN'), nameJa: '尿素窒素', unit: 'mg/dL', unitDisplay: 'mg/dL', valueType: 'numeric', decimals: 1, reference: all(8, 20), aliases: ['尿素窒素', 'UN', '尿素窒素(BUN)'] },
  { key: 'GLU', set: 'core', no: '15-1', sliceId: 'bg', jlac10: '3D010000002227101', d152: 'BS', d110: 'BG', nameJa: '血糖', unit: 'mg/dL', unitDisplay: 'mg/dL', valueType: 'numeric', decimals: 0, reference: all(73, 109), aliases: ['血糖', 'グルコース', 'BS', 'BG', 'Glu', 'PG', '血糖(定量)', 'FBS', 'FBG', 'CBG', '随時血糖', '空腹時血糖', 'グルコース(血糖)'],
    variants: [
      { label: '随時血糖', displays: { '1.5.2': 'BS', '1.10.0': 'CBG' }, codes: CODES.GLU_CBG.split(' ') },
      { label: '空腹時血糖', displays: { '1.5.2': 'FBS', '1.10.0': 'FBG' }, codes: CODES.GLU_FBG.split(' ') },
    ] },
  { key: 'HbA1c', set: 'core', no: '16', sliceId: 'hba1c-ngsp', jlac10: '3D046000001906202', ...both('HbA1c-NGSP'), nameJa: 'HbA1c(NGSP)', unit: '%', unitDisplay: '%', valueType: 'numeric', decimals: 1, reference: all(4.9, 6.0), aliases: ['HbA1c(NGSP)', 'HbA1c-NGSP', 'A1c', 'ヘモグロビンA1c', 'グリコヘモグロビン'] },
  { key: 'TG', set: 'core', no: '17-1', sliceId: 'tg', jlac10: '3F015000002327101', ...both('TG'), nameJa: '中性脂肪', unit: 'mg/dL', unitDisplay: 'mg/dL', valueType: 'numeric', decimals: 0, reference: mf({ low: 40, high: 234 }, { low: 30, high: 117 }), aliases: ['中性脂肪', 'トリグリセリド', 'FTG', 'CTG', '中性脂肪(TG)'],
    variants: [{ label: '随時中性脂肪', displays: { '1.5.2': 'TG', '1.10.0': 'CTG' }, codes: CODES.TG_CTG.split(' ') }] },
  { key: 'TCHO', set: 'core', no: '18', sliceId: 't-cho', jlac10: '3F050000002327101', ...both('T-CHO'), nameJa: '総コレステロール', unit: 'mg/dL', unitDisplay: 'mg/dL', valueType: 'numeric', decimals: 0, reference: all(142, 248), aliases: ['総コレステロール', 'TC', 'T-Cho', '総コレステロール(T-CHO)'] },
  { key: 'HDLC', set: 'core', no: '19', sliceId: 'hdl-c', jlac10: '3F070000002327101', ...both('HDL-C'), nameJa: 'HDLコレステロール', unit: 'mg/dL', unitDisplay: 'mg/dL', valueType: 'numeric', decimals: 0, reference: mf({ low: 38, high: 90 }, { low: 48, high: 103 }), aliases: ['HDLコレステロール', 'HDL-コレステロール', 'HDL-CHO', 'HDL', 'HDL-コレステロール(HDL-C)'] },
  { key: 'LDLC', set: 'core', no: '20', sliceId: 'ldl-c', jlac10: '3F077000002327101', ...both('LDL-C'), nameJa: 'LDLコレステロール', unit: 'mg/dL', unitDisplay: 'mg/dL', valueType: 'numeric', decimals: 0, reference: all(65, 163), aliases: ['LDLコレステロール', 'LDL-コレステロール', 'LDL-CHO', 'LDL', 'LDL-コレステロール(LDL-C)'] },
  { key: 'Na', set: 'core', no: '21', sliceId: 'na', jlac10: '3H010000002326101', ...both('Na'), nameJa: 'ナトリウム', unit: 'mEq/L', unitDisplay: 'mEq/L', unitAliases: MEQ, valueType: 'numeric', decimals: 0, reference: all(138, 145), aliases: ['ナトリウム', 'sodium', 'ナトリウム(Na)'] },
  { key: 'K', set: 'core', no: '22', sliceId: 'k', jlac10: '3H015000002326101', ...both('K'), nameJa: 'カリウム', unit: 'mEq/L', unitDisplay: 'mEq/L', unitAliases: MEQ, valueType: 'numeric', decimals: 1, reference: all(3.6, 4.8), aliases: ['カリウム', 'potassium', 'カリウム(K)'] },
  { key: 'Cl', set: 'core', no: '23', sliceId: 'cl', jlac10: '3H020000002326101', ...both('Cl'), nameJa: 'クロール', unit: 'mEq/L', unitDisplay: 'mEq/L', unitAliases: MEQ, valueType: 'numeric', decimals: 0, reference: all(101, 108), aliases: ['クロール', 'クロール(Cl)', 'chloride', '塩素'] },
  { key: 'Ca', set: 'core', no: '24', sliceId: 'ca', jlac10: '3H030000002327101', ...both('Ca'), nameJa: 'カルシウム', unit: 'mg/dL', unitDisplay: 'mg/dL', valueType: 'numeric', decimals: 1, reference: all(8.8, 10.1), aliases: ['カルシウム', 'カルシウム(Ca)', 'calcium'] },
  { key: 'TBIL', set: 'core', no: '25', sliceId: 't-bil', jlac10: '3J010000002327101', ...both('T-Bil'), nameJa: '総ビリルビン', unit: 'mg/dL', unitDisplay: 'mg/dL', valueType: 'numeric', decimals: 1, reference: all(0.4, 1.5), aliases: ['総ビリルビン', 'TB', 'T-BIL', '総ビリルビン(T-Bil)'] },
  { key: 'DBIL', set: 'core', no: '26', sliceId: 'd-bil', jlac10: '3J015000002327101', ...both('D-Bil'), nameJa: '直接ビリルビン', unit: 'mg/dL', unitDisplay: 'mg/dL', valueType: 'numeric', decimals: 1, aliases: ['直接ビリルビン', 'DB', 'D-BIL', '直接ビリルビン(D-Bil)'] },
  { key: 'WBC', set: 'core', no: '27', sliceId: 'wbc', jlac10: '2A990000001930952', ...both('WBC'), nameJa: '白血球数', unit: '/uL', unitDisplay: '/μL', unitAliases: ['/mm3', '個/μL', '/μl'], valueType: 'numeric', decimals: 0, reference: all(3300, 8600), aliases: ['白血球数', '白血球'] },
  { key: 'RBC', set: 'core', no: '28', sliceId: 'rbc', jlac10: '2A990000001930951', ...both('RBC'), nameJa: '赤血球数', unit: '10*4/uL', unitDisplay: '×10⁴/μL', unitAliases: ['10^4/μL', '×10^4/μL', '万/μL', '10000/mm3', '10^4/mm3', '10000/μL'], valueType: 'numeric', decimals: 0, reference: mf({ low: 435, high: 555 }, { low: 386, high: 492 }), aliases: ['赤血球数', '赤血球'] },
  { key: 'Hb', set: 'core', no: '29', sliceId: 'hb', jlac10: '2A030000001930901', ...both('Hb'), nameJa: 'ヘモグロビン', unit: 'g/dL', unitDisplay: 'g/dL', valueType: 'numeric', decimals: 1, reference: mf({ low: 13.7, high: 16.8 }, { low: 11.6, high: 14.8 }), aliases: ['ヘモグロビン', '血色素量', '血色素', 'HGB', '血色素量(ヘモグロビン値)'] },
  { key: 'PLT', set: 'core', no: '30', sliceId: 'plt', jlac10: '2A050000001930901', ...both('PLT'), nameJa: '血小板数', unit: '10*4/uL', unitDisplay: '×10⁴/μL', unitAliases: ['10^4/μL', '×10^4/μL', '万/μL', '10000/mm3', '10^4/mm3', '10000/μL'], valueType: 'numeric', decimals: 1, reference: all(15.8, 34.8), aliases: ['血小板数', '血小板'] },
  { key: 'APTT', set: 'core', no: '31', sliceId: 'aptt', jlac10: '2B020000002231101', ...both('APTT'), nameJa: 'APTT', unit: 's', unitDisplay: '秒', unitAliases: ['sec', '秒'], valueType: 'numeric', decimals: 1, aliases: ['活性化部分トロンボプラスチン時間'] },
  { key: 'PTINR', set: 'core', no: '32-4', sliceId: 'pt-inr', jlac10: '2B030000002231157', ...both('PT-INR'), nameJa: 'PT-INR', unit: null, unitDisplay: null, unitAliases: ['INR'], valueType: 'numeric', decimals: 2, aliases: ['INR', 'PT(INR)', 'PT', 'プロトロンビン時間', 'プロトロンビン時間(PT-INR)'] },
  { key: 'DDIMER', set: 'core', no: '33-1', sliceId: 'dd', jlac10: '2B140000002206201', ...both('DD'), nameJa: 'Dダイマー', unit: 'ug/mL', unitDisplay: 'μg/mL', unitAliases: ['μg/mL'], valueType: 'numeric', decimals: 2, aliases: ['Dダイマー', 'D-ダイマー', 'D-dimer', 'Dダイマー(定量)'] },
  { key: 'UPRO', set: 'core', no: '34-1', sliceId: 'utp', jlac10: '1A990000000190153', ...both('U-TP'), nameJa: '尿蛋白(定性)', ...urine, aliases: ['尿蛋白', '尿タンパク', 'U-PRO', '蛋白(尿)', '尿蛋白定性'] },
  { key: 'UGLU', set: 'core', no: '35-1', sliceId: 'u-glu', jlac10: '1A990000000190154', ...both('U-Glu'), nameJa: '尿糖(定性)', ...urine, aliases: ['尿糖', '糖(尿)', '尿糖定性'] },
  { key: 'UBLD', set: 'core', no: '36-1', sliceId: 'u-bld', jlac10: '1A990000000190159', ...both('U-Bld'), nameJa: '尿潜血(定性)', ...urine, aliases: ['尿潜血', 'U-OB', '潜血(尿)', '尿潜血定性'] },
  { key: 'UPCR', set: 'core', no: '37', sliceId: 'u-pc', jlac10: '1A015000000127128', d152: 'U-pc', d110: 'U-P/C', nameJa: '尿蛋白/クレアチニン比', unit: 'g/gCr', unitDisplay: 'g/gCr', unitAliases: ['g/g・Cr', 'g/g･Cr', 'g/gCRE', 'g/g.Cr'], valueType: 'numeric', decimals: 2, aliases: ['尿蛋白/クレアチニン比', '尿中蛋白/クレアチニン比', '尿蛋白クレアチニン比', 'P/C比', '尿中蛋白/クレアチニン比(P/C比)'] },
  { key: 'UACR', set: 'core', no: '38', sliceId: 'u-ac', jlac10: '3A015000000106151', d152: 'U-ac', d110: 'U-A/C', nameJa: '尿中アルブミン/クレアチニン比', unit: 'mg/gCr', unitDisplay: 'mg/gCr', unitAliases: ['mg/g・Cr', 'mg/g･Cr', 'mg/g･CR', 'mg/gCRE', 'mg/g.Cr'], valueType: 'numeric', decimals: 1, aliases: ['尿中アルブミン/クレアチニン比', '尿アルブミン/クレアチニン比', 'A/C比', '尿中アルブミン/クレアチニン比(A/C比)'] },
  { key: 'BNP', set: 'core', no: '39', sliceId: 'bnp', jlac10: '4Z271000002205101', ...both('BNP'), nameJa: 'BNP', unit: 'pg/mL', unitDisplay: 'pg/mL', valueType: 'numeric', decimals: 1, aliases: ['脳性ナトリウム利尿ペプチド', '脳性Na利尿ペプチド', '脳性Na利尿ペプチド(BNP)'] },
  { key: 'NTproBNP', set: 'core', no: '40', sliceId: 'nt-probnp', jlac10: '4Z272000002305301', ...both('NT-proBNP'), nameJa: 'NT-proBNP', unit: 'pg/mL', unitDisplay: 'pg/mL', valueType: 'numeric', decimals: 1, aliases: ['NT-proBNP', 'ヒト脳性Na利尿ペプチド前駆体N端フラグメント'] },
  { key: 'CRP', set: 'core', no: '41-1', sliceId: 'crp', jlac10: '5C070000002306201', ...both('CRP'), nameJa: 'CRP', unit: 'mg/dL', unitDisplay: 'mg/dL', valueType: 'numeric', decimals: 2, reference: all(0, 0.14), aliases: ['C反応性蛋白', 'C反応性たんぱく', 'CRP(定量)', 'C反応性蛋白(CRP)'] },
  { key: 'ABO', set: 'core', no: '42', sliceId: 'abo-bld', jlac10: '5H010000001910114', d152: 'ABO-BLD', d110: '血液型-ABO', nameJa: '血液型(ABO)', ...UNITLESS, valueType: 'nominal', decimals: null, ordinalValues: ABO_VALUES, aliases: ['血液型', 'ABO式血液型', '血液型(ABO)', '血液型-ABO', 'ABO-BLD'] },
  { key: 'Rh', set: 'core', no: '43', sliceId: 'rh-bld', jlac10: '5H020000001910114', d152: 'Rh-BLD', d110: '血液型-Rh', nameJa: '血液型(Rh)', ...UNITLESS, valueType: 'nominal', decimals: null, ordinalValues: RH_VALUES, aliases: ['Rh式血液型', 'Rh(D)', '血液型(Rh)', '血液型-Rh', 'Rh-BLD'] },
  { key: 'STS', no: '1-1', sliceId: 'stsqlresult', jlac10: '5E074135102399811', ...both('梅毒STS(定性)'), nameJa: '梅毒STS(定性)', ...infection, aliases: ['梅毒STS', 'RPR', '梅毒RPR', '梅毒脂質抗体', 'STS定性'] },
  { key: 'TPAb', no: '2-1', sliceId: 'tpresult', jlac10: '5E075135102399811', ...both('梅毒TP抗体(定性)'), nameJa: '梅毒TP抗体(定性)', ...infection, aliases: ['梅毒TP抗体', 'TP抗体', 'TPHA', 'TPLA', 'TPPA'] },
  { key: 'HBsAg', no: '3-2', sliceId: 'hbsagresult', jlac10: '5F016141002399811', d152: 'HBs抗原(判定)', d110: 'HBs抗原(定性)', nameJa: 'HBs抗原(定性)', ...infection, aliases: ['HBs抗原', 'HBs-Ag', 'HBs', 'HBs抗原定性'] },
  { key: 'HCVAb', no: '4-7', sliceId: 'hcvabresult', jlac10: '5F360152102399811', d152: 'HCV抗体(判定)', d110: 'HCV抗体(定性)', nameJa: 'HCV抗体(定性)', ...infection, aliases: ['HCV抗体', 'HCV', 'HCV-Ab', 'HCV抗体定性'] },
  { key: 'HIVAgAb', no: '5-9', sliceId: 'hiv1p2abp24result', jlac10: '5F560155002305211', d152: 'HIV-1+2抗体・p24抗原(判定)', d110: 'HIV-1+2抗体・p24抗原(定性)', nameJa: 'HIV抗原・抗体(定性)', ...infection, aliases: ['HIV抗原・抗体', 'HIV-1/2抗体・p24抗原', 'HIV', 'HIV Ag/Ab', 'HIV抗原抗体', 'HIV-1+2抗体・p24抗原'] },
];

function build(def: Def): LabItem {
  const { d152, d110, unitAliases, aliases, ...rest } = def;
  const displays = { '1.5.2': d152, '1.10.0': d110 } as const;
  const specimenCode = def.jlac10.slice(9, 12);
  const specimen = JLAC10_SPECIMENS[specimenCode];
  if (!specimen) throw new Error(`unknown specimen code ${specimenCode} in ${def.key}`);
  const known = CODES[def.key]?.split(' ') ?? [];
  const knownJlac10 = known.includes(def.jlac10) ? known : [def.jlac10, ...known];
  return Object.freeze({
    ...rest,
    codeSystem: def.set === 'core' ? CORE_LAB_CODE_SYSTEM : INFECTION_LAB_CODE_SYSTEM,
    displays,
    display: displays[JP_CLINS_VERSION],
    specimen: specimen.short,
    specimenCode,
    unitAliases: unitAliases ?? [],
    aliases: aliases ?? [],
    knownJlac10: Object.freeze(knownJlac10),
  });
}

export const LAB_ITEMS: readonly LabItem[] = Object.freeze(DEFS.map(build));
export const CORE_LAB_ITEMS: readonly LabItem[] = LAB_ITEMS.filter((i) => i.set === 'core');
export const INFECTION_LAB_ITEMS: readonly LabItem[] = LAB_ITEMS.filter((i) => i.set === 'infection');

export const LAB_ITEMS_BY_KEY: ReadonlyMap<string, LabItem> = new Map(LAB_ITEMS.map((i) => [i.key, i]));
/** representative codes only */
export const LAB_ITEMS_BY_JLAC10: ReadonlyMap<string, LabItem> = new Map(LAB_ITEMS.map((i) => [i.jlac10, i]));
/** every known code (representative, ValueSet members, laboitemset, variants) -> item */
const ITEM_BY_ANY_CODE = new Map<string, LabItem>();
const VARIANT_BY_CODE = new Map<string, LabCodeVariant>();
for (const item of LAB_ITEMS) {
  const codes = [...item.knownJlac10, ...(item.variants ?? []).flatMap((v) => v.codes)];
  for (const c of codes) {
    const prev = ITEM_BY_ANY_CODE.get(c);
    if (prev && prev !== item) throw new Error(`JLAC10 ${c} in both ${prev.key} and ${item.key}`);
    ITEM_BY_ANY_CODE.set(c, item);
  }
  for (const v of item.variants ?? []) for (const c of v.codes) VARIANT_BY_CODE.set(c, v);
}

/** NFKC, trimmed, lower case, whitespace removed. */
function norm(s: string): string {
  return s.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, '');
}
/** norm() plus separators dropped ('T-CHO' = 'TCHO' = 'T.CHO'). */
function loose(s: string): string {
  return norm(s).replace(/[-‐‑–—−ー_.・･]/g, '');
}

const ITEM_BY_NAME = new Map<string, LabItem>();
function addName(name: string, item: LabItem) {
  for (const k of new Set([norm(name), loose(name)])) {
    if (!k) continue;
    const prev = ITEM_BY_NAME.get(k);
    if (prev && prev !== item) throw new Error(`lab item name '${name}' maps to both ${prev.key} and ${item.key}`);
    ITEM_BY_NAME.set(k, item);
  }
}
for (const item of LAB_ITEMS) {
  for (const n of [item.key, item.nameJa, item.displays['1.5.2'], item.displays['1.10.0'], ...item.aliases]) addName(n, item);
}

const JLAC10_RE = /^[0-9A-Z]{17}$/;
export function isJlac10(code: string): boolean {
  return JLAC10_RE.test(code);
}

const URINE_SPECIMENS = new Set(['001', '002', '003', '004']);
/**
 * Item for a JLAC10 code: exact match against the known codes, else the same analyte +
 * identification (first 9 characters) and result identification (last 2) as a known code of
 * the item, with a specimen of the same family (urine vs blood).
 */
export function findLabItemByJlac10(code: string): LabItem | null {
  const c = code.normalize('NFKC').trim().toUpperCase();
  if (!isJlac10(c)) return null;
  const exact = ITEM_BY_ANY_CODE.get(c);
  if (exact) return exact;
  const urine = URINE_SPECIMENS.has(c.slice(9, 12));
  const candidates = new Set<LabItem>();
  for (const [known, item] of ITEM_BY_ANY_CODE) {
    if (known.slice(0, 9) === c.slice(0, 9) && known.slice(15) === c.slice(15) && URINE_SPECIMENS.has(known.slice(9, 12)) === urine) candidates.add(item);
  }
  return candidates.size === 1 ? [...candidates][0] : null;
}

/**
 * Find an item by key ('AST'), JLAC10 code, IG display ('HbA1c-NGSP'), Japanese name
 * ('クレアチニン') or a common lab-company alias ('GOT', 'GPT', 'γ-GTP', 'Cr', 'CRE',
 * 'HbA1c(NGSP)'). Case-, width- and separator-insensitive.
 */
export function findLabItem(codeOrKeyOrName: string | null | undefined): LabItem | null {
  if (!codeOrKeyOrName) return null;
  const raw = codeOrKeyOrName.normalize('NFKC').trim();
  if (!raw) return null;
  if (isJlac10(raw.toUpperCase())) {
    const byCode = findLabItemByJlac10(raw);
    if (byCode) return byCode;
  }
  return LAB_ITEMS_BY_KEY.get(raw) ?? ITEM_BY_NAME.get(norm(raw)) ?? ITEM_BY_NAME.get(loose(raw)) ?? null;
}

/** The slice display to send with `jlac10` (variants such as 随時血糖 'CBG' differ from the item's). */
export function jpClinsDisplayFor(item: LabItem, jlac10?: string | null, version: JpClinsVersion = JP_CLINS_VERSION): string {
  const variant = jlac10 ? VARIANT_BY_CODE.get(jlac10) : undefined;
  if (variant && ITEM_BY_ANY_CODE.get(jlac10!) === item) return variant.displays[version];
  return item.displays[version];
}

/** Canonical form of a unit for comparison: NFKC, μ/µ -> u, case and spaces ignored, mm3 = uL. */
export function normalizeUnit(unit: string): string {
  return unit
    .normalize('NFKC')
    .replace(/[μµ]/g, 'u')
    .toLowerCase()
    .replace(/\s+/g, '')
    .replace(/^[x×]/, '')
    .replace(/mm3$/, 'ul')
    .replace(/[*^]/g, '')
    .replace(/[・･.]/g, '');
}

/** Whether `unit` names the item's unit (blank counts as compatible; no conversion is ever done). */
export function isUnitCompatible(item: LabItem, unit: string | null | undefined): boolean {
  if (unit == null || unit.trim() === '') return true;
  const u = normalizeUnit(unit);
  const accepted = [item.unit, item.unitDisplay, ...item.unitAliases].filter((x): x is string => !!x).map(normalizeUnit);
  return accepted.includes(u);
}

function stripParens(s: string): string {
  return s.replace(/^\((.*)\)$/, '$1');
}

/**
 * Normalise a qualitative value to the item's allowed form: urine grades to '(-)'…'(4+)',
 * infection results to '陰性' / '判定保留' / '陽性', ABO to 'A'|'B'|'O'|'AB', Rh to '陽性'|'陰性'.
 * Returns null when the value is not recognised (or the item is numeric).
 */
export function normalizeLabTextValue(item: LabItem, raw: string): string | null {
  if (item.valueType === 'numeric') return null;
  let s = raw.normalize('NFKC').trim().replace(/\s+/g, '').replace(/[−－‐ー]/g, '-');
  if (!s) return null;
  if (item.key === 'ABO') {
    s = s.toUpperCase().replace(/型$/, '');
    return (ABO_VALUES as readonly string[]).includes(s) ? s : null;
  }
  const lower = stripParens(s.toLowerCase());
  const neg = ['-', '陰性', 'neg', 'negative', '0'];
  const pos = ['+', '陽性', 'pos', 'positive', '1+', '+1'];
  const equivocal = ['±', '+-', '判定保留', '保留', '疑陽性', '偽陽性', 'equivocal'];
  if (item.key === 'Rh') {
    const r = stripParens(lower.replace(/^rh(\(d\))?|^d/, ''));
    if (['+', '陽性', 'pos', 'positive'].includes(r)) return '陽性';
    if (['-', '陰性', 'neg', 'negative'].includes(r)) return '陰性';
    return null;
  }
  if (item.ordinalValues === URINE_GRADES) {
    if (neg.includes(lower)) return '(-)';
    if (equivocal.includes(lower)) return '(±)';
    if (pos.includes(lower)) return '(+)';
    const plus = /^(\+{2,4})$/.exec(lower);
    if (plus) return `(${plus[1].length}+)`;
    const n = /^\+?([2-4])\+?$/.exec(lower);
    if (n && (lower.includes('+'))) return `(${n[1]}+)`;
    return null;
  }
  // infection results
  if (neg.includes(lower)) return '陰性';
  if (equivocal.includes(lower)) return '判定保留';
  if (pos.includes(lower) || /^\+{2,4}$/.test(lower) || /^[2-4]\+$/.test(lower)) return '陽性';
  return null;
}

/** The reference range that applies to `sex` (undefined when none, or when sex is needed but unknown). */
export function referenceRangeFor(item: LabItem, sex?: LabSex | null): LabRange | undefined {
  const ref = item.reference;
  if (!ref) return undefined;
  if (ref.all) return ref.all;
  if (sex === 'male') return ref.male;
  if (sex === 'female') return ref.female;
  return undefined;
}

export interface ComputeLabFlagInput {
  item: LabItem | null | undefined;
  value: number | string | null | undefined;
  sex?: LabSex | 'M' | 'F' | null;
  /** the lab's own range, when reported; takes precedence over the table's */
  referenceLow?: number | null;
  referenceHigh?: number | null;
}

/**
 * H / L / N against the lab's range when given, else the table's (sex-specific) JCCLS range.
 * Ordinal items: the normal value ('陰性', '(-)') is N, any positive grade incl. (±) is H,
 * 判定保留 and unrecognised values are null. Nominal items (ABO/Rh) and items without a range: null.
 */
export function computeLabFlag({ item, value, sex, referenceLow, referenceHigh }: ComputeLabFlagInput): LabFlag | null {
  if (!item || value == null || value === '') return null;
  if (item.valueType === 'nominal') return null;
  if (item.valueType === 'ordinal') {
    const v = normalizeLabTextValue(item, String(value));
    if (!v || v === '判定保留') return null;
    return v === item.normalValue ? 'N' : 'H';
  }
  const n = typeof value === 'number' ? value : Number(String(value).normalize('NFKC').trim());
  if (!Number.isFinite(n)) return null;
  const s: LabSex | null | undefined = sex === 'M' ? 'male' : sex === 'F' ? 'female' : sex;
  const hasLab = referenceLow != null || referenceHigh != null;
  const range: LabRange | undefined = hasLab ? { low: referenceLow ?? undefined, high: referenceHigh ?? undefined } : referenceRangeFor(item, s);
  if (!range || (range.low == null && range.high == null)) return null;
  if (range.high != null && n > range.high) return 'H';
  if (range.low != null && n < range.low) return 'L';
  return 'N';
}
