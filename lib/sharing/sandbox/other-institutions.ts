/**
 * Invented other institutions and what they registered, for the sandbox's 6情報 read (issue 10 §6). The bundles are
 * built with lib/fhir's own builders (JP_Bundle_CLINS, valid against the JP-CLINS profiles), from invented records,
 * deterministically per 被保険者個人識別子: every run shows the same data, most patients have one or two institutions,
 * a member ID whose digits sum to a multiple of 5 has none. The 医療機関コード use prefecture 00, which no real
 * institution has (prefectures are 01–47); the names say 架空. Codes come from the demo masters (支払基金 B / MEDIS,
 * J-FAGY, YJ, JLAC10).
 */
import { createHash } from 'node:crypto';
import { buildUnitBundle } from '@/lib/fhir';
import type { FhirAllergyInput, FhirDiagnosisInput, FhirLabResultInput, FhirPatientInput } from '@/lib/fhir';
import type { SharedBundle, SharedInfoKind } from '../sharing-service';

/** Fictitious institutions: prefecture 00 cannot be a real 医療機関コード. */
export const OTHER_INSTITUTIONS = [
  { institutionNumber: '0019990011', name: '青葉台総合病院（架空）' },
  { institutionNumber: '0019990029', name: 'みどり坂内科クリニック（架空）' },
  { institutionNumber: '0019990037', name: '港北皮膚科医院（架空）' },
] as const;

type DxSeed = Pick<FhirDiagnosisInput, 'diseaseCode' | 'medisKeyNumber' | 'exchangeCode' | 'icd10' | 'baseName'> & { start: string };
type AllergySeed = Pick<FhirAllergyInput, 'category' | 'codeSystem' | 'code' | 'substanceName' | 'yjCode' | 'reaction' | 'severity'>;
type LabSeed = Pick<FhirLabResultInput, 'itemKey' | 'jlac10' | 'localCode' | 'itemName' | 'unit' | 'specimen'> & { value: number; low: number; high: number };

const DIAGNOSES: DxSeed[] = [
  { diseaseCode: '8833421', medisKeyNumber: '20061593', exchangeCode: 'UHGQ', icd10: 'I10', baseName: '高血圧症', start: '2019-04-12' },
  { diseaseCode: '2500015', medisKeyNumber: '20050020', exchangeCode: 'U23V', icd10: 'E11', baseName: '２型糖尿病', start: '2021-09-03' },
  { diseaseCode: '8844446', medisKeyNumber: '20091221', exchangeCode: 'L9HQ', icd10: 'E785', baseName: '脂質異常症', start: '2022-01-20' },
  { diseaseCode: '4939008', medisKeyNumber: '20057913', exchangeCode: 'VRVV', icd10: 'J459', baseName: '気管支喘息', start: '2015-06-30' },
];
const ALLERGIES: AllergySeed[] = [
  { category: 'food', codeSystem: 'jfagy-food', code: 'J9FA19140000', substanceName: 'そば', yjCode: null, reaction: '蕁麻疹・呼吸苦', severity: 'severe' },
  { category: 'medication', codeSystem: 'yj', code: '1149019F1013', substanceName: 'ロキソプロフェンナトリウム', yjCode: '1149019F1013', reaction: '薬疹', severity: 'moderate' },
  { category: 'food', codeSystem: 'jfagy-food', code: 'J9FB13110000', substanceName: '鶏卵', yjCode: null, reaction: '口唇腫脹', severity: 'mild' },
];
const LABS: LabSeed[] = [
  { itemKey: 'AST', jlac10: '3B035000002327201', localCode: 'AST', itemName: 'AST(GOT)', unit: 'U/L', specimen: '血清', value: 24, low: 13, high: 30 },
  { itemKey: 'ALT', jlac10: '3B045000002327201', localCode: 'ALT', itemName: 'ALT(GPT)', unit: 'U/L', specimen: '血清', value: 41, low: 7, high: 23 },
  { itemKey: 'HbA1c', jlac10: '3D046000001906202', localCode: 'A1C', itemName: 'HbA1c(NGSP)', unit: '%', specimen: '全血', value: 6.4, low: 4.9, high: 6.0 },
];

const digest = (s: string) => createHash('sha256').update(s).digest();
const uuidOf = (s: string) => {
  const h = digest(s).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** The patient as the other institution knows them: only the 被保険者個人識別子 is the real one. */
function patientFor(memberId: string): FhirPatientInput | null {
  const [insurerNumber, symbol, number, branch] = memberId.split(':');
  if (!insurerNumber || !number) return null;
  return {
    id: uuidOf(`patient|${memberId}`),
    patientNumber: 1,
    familyName: '架空',
    givenName: '患者',
    familyNameKana: 'カクウ',
    givenNameKana: 'カンジャ',
    sex: 'unknown',
    birthDate: '1970-01-01',
    postalCode: '100-0001',
    address: '東京都千代田区千代田1-1（架空）',
    updatedAt: '2026-06-01T00:00:00Z',
    insurance: { insurerNumber, symbol: symbol || null, number, branch: branch || null },
  };
}

const dept = { code: '01', name: '内科' };

/** The bundles other institutions registered for this member ID, built now (none for about one patient in five). */
export function otherInstitutionsBundles(memberId: string, now = new Date()): SharedBundle[] {
  const digits = memberId.replace(/\D/g, '');
  if ([...digits].reduce((s, c) => s + Number(c), 0) % 5 === 0) return [];
  const patient = patientFor(memberId);
  if (!patient) return [];
  const d = digest(memberId);
  const institutions = d[0]! % 2 === 0 ? [OTHER_INSTITUTIONS[d[1]! % 3]!] : [OTHER_INSTITUTIONS[0], OTHER_INSTITUTIONS[1 + (d[1]! % 2)]!];
  const out: SharedBundle[] = [];
  institutions.forEach((institution, n) => {
    const registered = new Date(Date.UTC(2026, 5 + n * 2, 1 + (d[2]! % 27), 1, 30));
    const ctx = { clinic: institution, now: registered };
    const push = (kind: SharedInfoKind, built: ReturnType<typeof buildUnitBundle>) => {
      if (built) out.push({ kind, identifier: built.identifier, institutionNumber: institution.institutionNumber, institutionName: institution.name, registeredAt: registered.toISOString(), bundle: built.bundle });
    };
    const key = (what: string) => `${institution.institutionNumber}|${memberId}|${what}`;
    const seeds = [DIAGNOSES[(d[3]! + n) % DIAGNOSES.length]!, ...(d[4]! % 2 ? [DIAGNOSES[(d[3]! + n + 1) % DIAGNOSES.length]!] : [])];
    const diagnoses: FhirDiagnosisInput[] = seeds.map((s, i) => ({
      id: uuidOf(key(`dx${i}`)),
      lineageId: uuidOf(key(`dx${i}`)),
      version: 1,
      status: 'final',
      updatedAt: registered,
      recordedAt: registered,
      diseaseCode: s.diseaseCode,
      medisKeyNumber: s.medisKeyNumber,
      exchangeCode: s.exchangeCode,
      icd10: s.icd10,
      baseName: s.baseName,
      displayName: s.baseName,
      modifiers: [],
      isPrimary: i === 0,
      isSuspected: false,
      startDate: s.start,
      longTermStorage: false,
      uninformed: false,
      department: dept,
    }));
    push('diagnoses', buildUnitBundle(ctx, { kind: 'condition', patient, diagnoses }));
    if (n === 0 && d[5]! % 3 !== 0) {
      const a = ALLERGIES[d[6]! % ALLERGIES.length]!;
      const allergy: FhirAllergyInput = {
        ...a,
        id: uuidOf(key('allergy')),
        lineageId: uuidOf(key('allergy')),
        version: 1,
        status: 'final',
        updatedAt: registered,
        recordedAt: registered,
        onsetDate: '2018-05-10',
        clinicalStatus: 'active',
        verification: 'confirmed',
        longTermStorage: false,
        department: dept,
      };
      push('allergies', buildUnitBundle(ctx, { kind: 'allergy', patient, allergies: [allergy] }));
    }
    if (n === 0 && d[7]! % 2 === 0) {
      const collectedAt = new Date(registered.getTime() - 2 * 24 * 3600 * 1000);
      const results: FhirLabResultInput[] = LABS.map((l, i) => ({
        id: uuidOf(key(`lab${i}`)),
        lineageId: uuidOf(key(`lab${i}`)),
        version: 1,
        status: 'final',
        updatedAt: registered,
        itemKey: l.itemKey,
        jlac10: l.jlac10,
        localCode: l.localCode,
        itemName: l.itemName,
        valueNumber: l.value,
        unit: l.unit,
        referenceLow: l.low,
        referenceHigh: l.high,
        flag: l.value > l.high ? 'H' : l.value < l.low ? 'L' : 'N',
        specimen: l.specimen,
        collectedAt,
        reportedAt: registered,
        department: dept,
        orderingDoctor: { id: uuidOf(key('doctor')), name: '架空 医師' },
      }));
      push('labs', buildUnitBundle(ctx, { kind: 'lab-report', patient, reportKey: key('report'), results }));
    }
  });
  return out;
}
