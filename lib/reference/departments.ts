/**
 * SS-MIX2 診療科コード (JAMI SS-MIX2 診療科コード表, OID 1.2.392.200250.2.2.2), the code
 * system JP-CLINS uses in the JP_eCS_Department extension.
 *
 * Provenance: the JP Core 1.1.2 package has only a NamingSystem for this table
 * (JP_Department_SsMix_NamingSystem: urn:oid:1.2.392.200250.2.2.2,
 * http://jpfhir.jp/fhir/core/CodeSystem/JP_Department_SsMix_CS), no CodeSystem with the codes.
 * `confirmed: true` marks codes seen in the JP-CLINS examples (01 内科, 08 循環器科, 26 眼科,
 * 081 循環器内科). The remaining two-digit codes follow the well-known SS-MIX2 / レセプト電算
 * 診療科コード list and are NOT confirmed against the official table (`confirmed: false`).
 */

export const SSMIX2_DEPARTMENT_SYSTEM = 'http://jami.jp/SS-MIX2/CodeSystem/ClinicalDepartment';
export const SSMIX2_DEPARTMENT_OID = 'urn:oid:1.2.392.200250.2.2.2';

export interface Department {
  readonly code: string;
  readonly name: string;
  readonly system: typeof SSMIX2_DEPARTMENT_SYSTEM;
  /** seen in the JP-CLINS example instances */
  readonly confirmed: boolean;
}

const CONFIRMED = new Set(['01', '08', '081', '26']);

// prettier-ignore
const TABLE: readonly (readonly [string, string])[] = [
  ['01', '内科'], ['02', '精神科'], ['03', '神経科'], ['04', '神経内科'], ['05', '呼吸器科'],
  ['06', '消化器科'], ['07', '胃腸科'], ['08', '循環器科'], ['081', '循環器内科'], ['09', '小児科'],
  ['10', '外科'], ['11', '整形外科'], ['12', '形成外科'], ['13', '美容外科'], ['14', '脳神経外科'],
  ['15', '呼吸器外科'], ['16', '心臓血管外科'], ['17', '小児外科'], ['18', '皮膚泌尿器科'], ['19', '皮膚科'],
  ['20', '泌尿器科'], ['21', '性病科'], ['22', '肛門科'], ['23', '産婦人科'], ['24', '産科'],
  ['25', '婦人科'], ['26', '眼科'], ['27', '耳鼻咽喉科'], ['28', '気管食道科'], ['29', '理学診療科'],
  ['30', '放射線科'], ['31', '麻酔科'], ['32', '人工透析科'], ['33', '心療内科'], ['34', 'アレルギー科'],
  ['35', 'リウマチ科'], ['36', 'リハビリテーション科'], ['37', '病理診断科'], ['38', '臨床検査科'], ['39', '救急科'],
];

export const DEPARTMENTS: readonly Department[] = Object.freeze(
  TABLE.map(([code, name]) => Object.freeze({ code, name, system: SSMIX2_DEPARTMENT_SYSTEM, confirmed: CONFIRMED.has(code) })),
);

const BY_CODE = new Map(DEPARTMENTS.map((d) => [d.code, d]));

/** Department by code; the code is matched after NFKC and trimming ('０１' = '01'). */
export function findDepartment(code: string | null | undefined): Department | null {
  if (code == null) return null;
  return BY_CODE.get(code.normalize('NFKC').trim()) ?? null;
}

/** FHIR Coding for a department code, or null when unknown. */
export function departmentCoding(code: string): { system: string; code: string; display: string } | null {
  const d = findDepartment(code);
  return d ? { system: d.system, code: d.code, display: d.name } : null;
}
