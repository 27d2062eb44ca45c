/** Builders of valid inputs for the lib/fhir tests and the benchmark; each test breaks one rule on top. */
import type { CheckupReportInput } from './checkup-report';
import type { DischargeSummaryInput } from './discharge-summary';
import type { ReferralDocumentInput } from './referral';
import type { FhirAllergyInput, FhirBuildContext, FhirDiagnosisInput, FhirLabResultInput, FhirMedicationInput, FhirPatientInput } from './types';

export const NOW = new Date('2026-12-04T01:00:00.000Z');

export function aContext(overrides: Partial<FhirBuildContext> = {}): FhirBuildContext {
  return { clinic: { institutionNumber: '1311234567', name: 'さくら内科クリニック' }, now: NOW, ...overrides };
}

export function aPatient(overrides: Partial<FhirPatientInput> = {}): FhirPatientInput {
  return {
    id: '0b7c1a52-3d6e-4f00-9a1b-000000000001',
    patientNumber: 12,
    familyName: '山田',
    givenName: '太郎',
    familyNameKana: 'ヤマダ',
    givenNameKana: 'タロウ',
    sex: 'male',
    birthDate: new Date('1960-04-01T00:00:00.000Z'),
    postalCode: '100-0001',
    address: '東京都千代田区千代田1-1',
    updatedAt: new Date('2026-11-01T00:00:00.000Z'),
    insurance: { insurerNumber: '06138057', symbol: '12', number: '345', branch: '01' },
    publicExpenses: [],
    ...overrides,
  };
}

export function aDiagnosis(overrides: Partial<FhirDiagnosisInput> = {}): FhirDiagnosisInput {
  return {
    id: 'dx-row-1',
    lineageId: '0b7c1a52-3d6e-4f00-9a1b-000000000101',
    version: 1,
    status: 'final',
    updatedAt: new Date('2026-10-01T00:00:00.000Z'),
    recordedAt: new Date('2026-10-01T00:00:00.000Z'),
    diseaseCode: '4019004',
    medisKeyNumber: '20065138',
    exchangeCode: 'KGJH',
    icd10: 'I10',
    baseName: '高血圧症',
    displayName: '高血圧症',
    modifiers: [],
    isPrimary: false,
    isSuspected: false,
    startDate: new Date('2020-04-10T00:00:00.000Z'),
    outcome: null,
    endDate: null,
    longTermStorage: false,
    uninformed: false,
    department: { code: '01', name: '内科' },
    encounter: { id: 'visit-1', class: 'AMB' },
    ...overrides,
  };
}

export function anAllergy(overrides: Partial<FhirAllergyInput> = {}): FhirAllergyInput {
  return {
    id: 'al-row-1',
    lineageId: '0b7c1a52-3d6e-4f00-9a1b-000000000201',
    version: 1,
    status: 'final',
    updatedAt: new Date('2026-10-01T00:00:00.000Z'),
    recordedAt: new Date('2026-10-01T00:00:00.000Z'),
    category: 'medication',
    codeSystem: 'yj',
    code: '1149019F1020',
    substanceName: 'ロキソプロフェンナトリウム',
    yjCode: '1149019F1020',
    reaction: '蕁麻疹',
    severity: 'moderate',
    onsetDate: new Date('2019-05-01T00:00:00.000Z'),
    clinicalStatus: 'active',
    verification: 'confirmed',
    longTermStorage: false,
    department: { code: '01', name: '内科' },
    ...overrides,
  };
}

export function aLabResult(overrides: Partial<FhirLabResultInput> = {}): FhirLabResultInput {
  return {
    id: 'lab-row-1',
    lineageId: '0b7c1a52-3d6e-4f00-9a1b-000000000301',
    version: 1,
    status: 'final',
    updatedAt: new Date('2026-11-20T03:00:00.000Z'),
    itemKey: 'K',
    jlac10: '3H015000002326101',
    localCode: 'K01',
    itemName: 'カリウム',
    valueNumber: 4.1,
    unit: 'mEq/L',
    referenceLow: 3.6,
    referenceHigh: 4.8,
    flag: 'N',
    specimen: '血清',
    collectedAt: new Date('2026-11-20T00:30:00.000Z'),
    reportedAt: new Date('2026-11-20T03:00:00.000Z'),
    department: { code: '01', name: '内科' },
    encounter: { id: 'visit-2', class: 'AMB' },
    orderingDoctor: { id: 'doctor-1', name: '佐藤 一郎' },
    ...overrides,
  };
}

/** A 確定 prescription's drug line (YJ-coded, 1日量, 14日分, 院外). */
export function aDrugLine(overrides: Partial<FhirMedicationInput> = {}): FhirMedicationInput {
  return {
    lineageId: '5d0f3c9e-0000-4000-8000-00000000a001',
    version: 1,
    status: 'final',
    updatedAt: NOW,
    issuedDate: '2026-12-04',
    outOfHouse: true,
    author: { id: 'doctor-1', name: '山田 医師' },
    visitId: 'visit-1',
    rpNumber: 1,
    sortOrder: 1,
    kind: 'internal',
    drugCodeSystem: 'yj',
    drugCode: '2171022F1022',
    drugName: 'アムロジピン錠5mg',
    dose: 1,
    doseUnit: '錠',
    doseUnitCode: 'TAB',
    doseBasis: 'per_day',
    usageCode: '1013044400000000',
    usageText: '1日1回朝食後',
    days: 14,
    genericSubstitutionAllowed: true,
    ...overrides,
  };
}

const ADMISSION_DX = '11111111-1111-4111-8111-111111111111';
const DISCHARGE_DX = '22222222-2222-4222-8222-222222222222';

/** A 退院時サマリー: a 10-day stay for pneumonia, two diagnoses (the primary one both 入院時 and 退院時), an allergy. */
export function aDischargeSummary(overrides: Partial<DischargeSummaryInput> = {}): DischargeSummaryInput {
  return {
    lineageId: '9d1f3c2a-1111-4222-8333-444455556666',
    version: 1,
    confirmedAt: NOW,
    clinic: { ...aContext().clinic, address: '東京都千代田区1-1' },
    author: { id: 'doctor-1', name: '山田 医師', licenseNumber: '123456' },
    patient: aPatient(),
    stay: { admissionDate: '2026-03-01', dischargeDate: '2026-03-10', outcome: { code: '1', display: '治癒・軽快' }, destination: '自宅' },
    sections: {
      reasonForAdmission: '肺炎の加療',
      chiefComplaint: '発熱、咳嗽',
      presentIllness: '3日前から発熱',
      pastHistory: '高血圧症',
      hospitalCourse: '抗菌薬点滴で解熱。\n第7病日に胸部X線で改善を確認。',
      medications: 'アモキシシリン 250mg 1日3回 5日分',
      dischargeCondition: 'ADL自立、SpO2 98%',
      instructions: '1週間後に外来で再診',
      diagnosesNote: '',
      allergiesNote: '',
    },
    diagnoses: [aDiagnosis({ lineageId: ADMISSION_DX, isPrimary: true }), aDiagnosis({ lineageId: DISCHARGE_DX })],
    admissionDiagnosisIds: [ADMISSION_DX],
    dischargeDiagnosisIds: [ADMISSION_DX, DISCHARGE_DX],
    allergies: [anAllergy()],
    ...overrides,
  };
}

/** A 健康診断結果報告書 with four items: 身長, HbA1c, 尿糖 and 医師の診断（判定）. */
export function aCheckupReport(overrides: Partial<CheckupReportInput> = {}): CheckupReportInput {
  return {
    lineageId: '5d1f3c2a-1111-4222-8333-444455556666',
    version: 1,
    confirmedAt: NOW,
    examDate: '2026-04-05',
    clinic: { ...aContext().clinic, address: '東京都千代田区1-1' },
    author: { id: 'doctor-1', name: '山田 医師', licenseNumber: '123456' },
    patient: aPatient(),
    items: [
      { kind: 'quantity', code: '9N001000000000001', display: '身長', value: 162.3, unit: 'cm', ucum: 'cm', category: 'body-measurement' },
      { kind: 'quantity', code: '3D046000001906202', display: 'ＨｂＡ１ｃ（ＮＧＳＰ）', value: 5.6, unit: '%', ucum: '%', category: 'laboratory' },
      { kind: 'coded', code: '1A020000000191111', display: '尿糖', system: 'urn:oid:1.2.392.200119.6.2102', valueCode: '1', valueDisplay: '－', category: 'laboratory', specimen: '尿' },
      { kind: 'text', code: '9N511000000000049', display: '医師の診断（判定）', value: '総合判定: A 異常なし', category: 'exam' },
    ],
    ...overrides,
  };
}

/** A 診療情報提供書 to 青葉台総合病院 循環器内科 with one primary diagnosis, an allergy and one lab report. */
export function aReferral(overrides: Partial<ReferralDocumentInput> = {}): ReferralDocumentInput {
  return {
    lineageId: '7d1f3c2a-1111-4222-8333-444455556666',
    version: 1,
    confirmedAt: NOW,
    clinic: { ...aContext().clinic, address: '東京都千代田区1-1' },
    author: { id: 'doctor-1', name: '山田 医師', licenseNumber: '123456' },
    destination: { code: '0019990011', name: '青葉台総合病院', department: '循環器内科', doctor: '佐藤 一郎' },
    patient: aPatient(),
    sections: { purpose: '精査加療のお願い', chiefComplaint: '労作時胸痛', presentIllness: '1か月前から労作時に胸痛', pastHistory: '', familyHistory: '父 心筋梗塞', clinicalCourse: '', medications: 'アムロジピン 5mg 1日1回', remarks: '', diagnosesNote: '', allergiesNote: '', labsNote: '' },
    diagnoses: [aDiagnosis({ isPrimary: true })],
    allergies: [anAllergy()],
    labReports: [{ reportKey: 'r1', results: [aLabResult()] }],
    ...overrides,
  };
}
