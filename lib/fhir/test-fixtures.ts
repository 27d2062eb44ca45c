/** Builders of valid inputs for the lib/fhir tests and the benchmark; each test breaks one rule on top. */
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
