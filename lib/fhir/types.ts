/**
 * Inputs of the FHIR builders: plain objects, not Prisma rows, so the mapping stays pure and testable and the
 * loader (source.repository.ts) is the only place that knows the database. Fields the model does not have yet
 * (department on every record, ordering doctor and report id on labs, Diagnosis.undelivered, allergy end date,
 * prefecture/city, licence type, MERIT-9 unit) are optional: the builder uses them when present.
 */
import type { FhirTarget } from './profiles';

export type DateLike = Date | string;

export interface FhirClinicInput {
  /** 保険医療機関番号, 10 digits */
  institutionNumber: string;
  name: string;
}

export interface FhirDepartmentInput {
  /** SS-MIX2 / JAMI 診療科コード */
  code?: string | null;
  name: string;
}

export interface FhirInsuranceInput {
  /** 保険者番号 (6 or 8 digits; padded to 8) */
  insurerNumber: string;
  symbol?: string | null;
  number: string;
  /** 枝番, 2 digits or empty */
  branch?: string | null;
}

export interface FhirPublicExpenseInput {
  /** 公費負担者番号 (8 digits) */
  payerNumber: string;
  /** 受給者番号 (7 digits) */
  recipientNumber?: string | null;
}

export interface FhirPatientInput {
  id: string;
  patientNumber: number | string;
  familyName: string;
  givenName: string;
  familyNameKana: string;
  givenNameKana: string;
  /** male | female | other | unknown */
  sex: string;
  birthDate: DateLike;
  postalCode?: string | null;
  /** the whole address as entered (may or may not start with the prefecture) */
  address?: string | null;
  prefecture?: string | null;
  city?: string | null;
  phone?: string | null;
  updatedAt: DateLike;
  /** the current 医療保険 (null: none on file) */
  insurance?: FhirInsuranceInput | null;
  /** current 公費; a 生活保護 (法別 12) one identifies a patient without 医療保険 (ADR 0025) */
  publicExpenses?: readonly FhirPublicExpenseInput[];
}

export interface FhirEncounterInput {
  /** the visit id, if the record was written during one */
  id?: string | null;
  /** AMB 外来 | IMP 入院 */
  class?: 'AMB' | 'IMP';
}

export interface FhirPractitionerInput {
  id: string;
  name: string;
  /** 医籍登録番号 etc. */
  licenseNumber?: string | null;
  /** kind of licence (医師 / 歯科医師 …) once the model has it */
  licenseType?: string | null;
}

export interface FhirModifierInput {
  /** 支払基金 修飾語コード (4 digits) */
  code: string;
  name: string;
  position: 'prefix' | 'suffix';
  /** MEDIS 修飾語管理番号 */
  keyNumber?: string | null;
  /** MEDIS 修飾語交換用コード */
  exchangeCode?: string | null;
}

export interface FhirDiagnosisInput {
  /** the record's row id (for pointing at it in messages) */
  id: string;
  /** survives versions: the resource-instance identifier */
  lineageId: string;
  version: number;
  /** final | entered_in_error | … (entered_in_error is never sent) */
  status?: string;
  /** when this version was written */
  updatedAt: DateLike;
  /** when the first version was written */
  recordedAt: DateLike;
  diseaseCode?: string | null;
  medisKeyNumber?: string | null;
  exchangeCode?: string | null;
  icd10?: string | null;
  baseName: string;
  /** name as shown, with modifiers: code.text */
  displayName: string;
  modifiers: readonly FhirModifierInput[];
  isPrimary: boolean;
  isSuspected: boolean;
  startDate: DateLike;
  /** cured | died | discontinued | transferred */
  outcome?: string | null;
  endDate?: DateLike | null;
  longTermStorage: boolean;
  uninformed: boolean;
  /** 未提供 (not shown to other institutions nor the patient); once the model has it */
  undelivered?: boolean;
  department?: FhirDepartmentInput | null;
  encounter?: FhirEncounterInput | null;
  note?: string | null;
}

export interface FhirAllergyInput {
  id: string;
  lineageId: string;
  version: number;
  status?: string;
  updatedAt: DateLike;
  recordedAt: DateLike;
  /** medication | food | environment | other */
  category: string;
  /** 'yj' | 'generic' | 'jfagy-food' | 'jfagy-nonfood' | 'jfagy-medication' | null */
  codeSystem?: string | null;
  code?: string | null;
  substanceName: string;
  yjCode?: string | null;
  reaction?: string | null;
  /** mild | moderate | severe */
  severity?: string | null;
  onsetDate?: DateLike | null;
  /** active | inactive | resolved */
  clinicalStatus: string;
  /** confirmed | unconfirmed */
  verification: string;
  longTermStorage: boolean;
  /** 終了日; once the model has it */
  endDate?: DateLike | null;
  department?: FhirDepartmentInput | null;
  encounter?: FhirEncounterInput | null;
  note?: string | null;
}

export interface FhirLabResultInput {
  id: string;
  lineageId: string;
  version: number;
  status?: string;
  updatedAt: DateLike;
  /** key of lib/records/lab-results/lab-items.ts, or 'local:<code>' */
  itemKey: string;
  jlac10?: string | null;
  localCode: string;
  itemName: string;
  valueNumber?: number | string | null;
  valueText?: string | null;
  /** '<' | '<=' | '>=' | '>' (also read from valueText like '<0.5') */
  comparator?: string | null;
  unit?: string | null;
  /** MERIT-9 unit code, once the model has it */
  unitCode?: string | null;
  referenceLow?: number | string | null;
  referenceHigh?: number | string | null;
  referenceText?: string | null;
  /** H | L | N */
  flag?: string | null;
  specimen: string;
  collectedAt: DateLike;
  reportedAt?: DateLike | null;
  /** why there is no value (data-absent-reason code), when there is none */
  absentReason?: string | null;
  longTermStorage?: boolean;
  department?: FhirDepartmentInput | null;
  encounter?: FhirEncounterInput | null;
  /** the doctor who ordered the test (Observation.performer) */
  orderingDoctor?: FhirPractitionerInput | null;
}

/** One 報告単位: what one bundle carries. */
export type FhirUnitInput =
  | { kind: 'condition'; patient: FhirPatientInput; diagnoses: readonly FhirDiagnosisInput[] }
  | { kind: 'allergy'; patient: FhirPatientInput; allergies: readonly FhirAllergyInput[] }
  | { kind: 'lab-report'; patient: FhirPatientInput; reportKey: string; results: readonly FhirLabResultInput[] };

export type FhirUnitKind = FhirUnitInput['kind'];

export interface FhirBuildContext {
  clinic: FhirClinicInput;
  /** the build time (Bundle.timestamp, the 5-year window) */
  now: Date;
  target?: FhirTarget;
  /** the identifier this unit was first sent with (keep it for every resend); unset: a new one is made */
  bundleIdentifier?: string | null;
}

/** One drug line (PrescriptionItem) of a prescription version: one MedicationRequest. */
export interface FhirMedicationInput {
  /** the prescription's lineage and version (the MedicationRequest is versioned with its prescription) */
  lineageId: string;
  version: number;
  /** final | entered_in_error */
  status?: string;
  /** when this version was written */
  updatedAt: DateLike;
  /** 処方日 (DATE) */
  issuedDate: DateLike;
  outOfHouse: boolean;
  /** the prescribing doctor */
  author?: FhirPractitionerInput | null;
  /** the visit the prescription was written in */
  visitId?: string | null;
  rpNumber: number;
  /** position within the Rp (1-based) */
  sortOrder: number;
  /** internal | as_needed | external */
  kind: string;
  /** 'yj' | 'generic' | 'none' */
  drugCodeSystem: string;
  drugCode?: string | null;
  yjCode?: string | null;
  drugName: string;
  dose: number | string;
  doseUnit: string;
  /** MERIT-9 unit code when known */
  doseUnitCode?: string | null;
  /** per_day | per_time | total */
  doseBasis: string;
  /** 電子処方箋用法コード (16 chars) */
  usageCode?: string | null;
  usageText: string;
  days?: number | null;
  times?: number | null;
  genericSubstitutionAllowed: boolean;
  /** medical = 変更不可（医療上必要）, patient = 患者希望; absent with 変更不可 = medical */
  substitutionReason?: string | null;
  /** リフィル処方箋: 総使用回数 (2 or 3) of the prescription; null = not a refill */
  refillTimes?: number | null;
  comment?: string | null;
}

/** A visit (受付): one Encounter. */
export interface FhirVisitInput {
  id: string;
  visitDate: DateLike;
  arrivedAt: DateLike;
  /** VISIT_STATUSES */
  status: string;
  statusChangedAt: DateLike;
  /** AMB | IMP */
  encounterClass: string;
  department?: FhirDepartmentInput | null;
  doctor?: FhirPractitionerInput | null;
  firstVisit?: boolean | null;
}

/** A clinic as an Organization (医療機関コード and its contact details). */
export interface FhirOrganizationInput {
  id: string;
  /** 医療機関コード (10 digits), or null for an institution without one */
  institutionNumber: string | null;
  name: string;
  postalCode?: string | null;
  address?: string | null;
  phone?: string | null;
  updatedAt?: DateLike | null;
}
