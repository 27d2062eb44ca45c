/**
 * 退院時サマリー → JP_Bundle_eDischargeSummary (JP-CLINS 1.5.2), pure (docs/decisions/0065). Built like the
 * 診療情報提供書 (referral.ts): the Conditions and AllergyIntolerances come out of buildUnitBundle (the 6情報 builder),
 * and this file adds the document around them: Composition (type 18842-5, category DISCHARGE, event.period = the
 * stay, the 300 構造情報 section with the ten sub-sections the profile requires — 322 入院時詳細, 342 入院時診断,
 * 352 主訴, 312 入院理由, 362 現病歴, 333 入院中経過, 324 退院時詳細, 344 退院時診断, 444 退院時投薬指示,
 * 424 退院時方針指示 — and 372 既往歴 / 510 アレルギー when there is content), the stay as a JP_Encounter_eCS (class
 * IMP, period, length, reason, 退院時転帰), the 入院中経過 as a JP_DocumentReference_eCS (text/plain), the author
 * Practitioner and the clinic Organization; the 退院時処方 as MedicationRequests (444 entries) from the one
 * MedicationRequest mapping (documentMedications). Section codes are the 1.5.2 ones (362/372; 1.5.4 renamed them 360/370).
 */
import { hash } from 'node:crypto';
import type { AllergyIntolerance, Bundle, BundleEntry, Composition, CompositionSection, Condition, DocumentReference, Encounter, Practitioner, Resource } from '@medplum/fhirtypes';
import { withContentHash, type UnitBundle } from './bundle';
import { fhirInstant, jstYear, patientFullUrl } from './common';
import { CODE_SYSTEMS, ID_SYSTEMS, fhirTarget, type FhirTarget } from './profiles';
import { toFhirPatient } from './patient';
import { practitionerQualification } from './practitioner';
import { DOC_SUBTYPE_SYSTEM, DOC_TYPE_SYSTEM, REFERRAL_PROFILES, VERSION_EXTENSION, documentMedications, documentSection, organization, unitResources, uuidUrl } from './referral';
import type { FhirAllergyInput, FhirClinicInput, FhirDiagnosisInput, FhirMedicationInput, FhirPatientInput } from './types';

export const DISCHARGE_PROFILES = {
  bundle: 'http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eDischargeSummary',
  composition: 'http://jpfhir.jp/fhir/eDischargeSummary/StructureDefinition/JP_Composition_eDischargeSummary',
  encounter: 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Encounter_eCS',
  documentReference: 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_DocumentReference_eCS',
  practitioner: REFERRAL_PROFILES.practitioner,
  organization: REFERRAL_PROFILES.organization,
} as const;

export const DISCHARGE_DISPOSITION_SYSTEM = 'http://jpfhir.jp/fhir/Common/CodeSystem/discharge-disposition';

/** The sections this product writes: code → title (the profile's pattern) and display. */
export const DISCHARGE_SECTIONS = {
  '300': { title: '構造情報', display: '構造情報セクション' },
  '322': { title: '入院時詳細', display: '入院時詳細セクション' },
  '342': { title: '入院時診断', display: '入院時診断セクション' },
  '352': { title: '主訴', display: '主訴セクション' },
  '312': { title: '入院理由', display: '入院理由セクション' },
  '362': { title: '現病歴', display: '現病歴セクション' },
  '372': { title: '既往歴', display: '既往歴セクション' },
  '510': { title: 'アレルギー・不耐性反応', display: 'アレルギー・不耐性反応セクション' },
  '333': { title: '入院中経過', display: '入院中経過セクション' },
  '324': { title: '退院時詳細', display: '退院時詳細セクション' },
  '344': { title: '退院時診断', display: '退院時診断セクション' },
  '444': { title: '退院時投薬指示', display: '退院時投薬指示セクション' },
  '424': { title: '退院時方針指示', display: '退院時方針指示セクション' },
} as const;
export type DischargeSectionCode = keyof typeof DISCHARGE_SECTIONS;
/** The sub-sections of 300 構造情報 the profile requires (1..1 each; the slice `structuredSection.section` is 10..*). */
export const DISCHARGE_REQUIRED_SUBSECTIONS: readonly DischargeSectionCode[] = ['322', '342', '352', '312', '362', '333', '324', '344', '444', '424'];

export interface DischargeSummaryInput {
  lineageId: string;
  version: number;
  confirmedAt: Date;
  clinic: FhirClinicInput & { address?: string | null };
  author: { id: string; name: string; licenseNumber?: string | null };
  patient: FhirPatientInput;
  stay: { admissionDate: string; dischargeDate: string; outcome: { code: string; display: string }; destination: string };
  sections: {
    reasonForAdmission: string;
    chiefComplaint: string;
    presentIllness: string;
    pastHistory: string;
    hospitalCourse: string;
    medications: string;
    dischargeCondition: string;
    instructions: string;
    diagnosesNote: string;
    allergiesNote: string;
  };
  /** every diagnosis the summary lists (入院時 and 退院時, each once), as they stood at 確定 */
  diagnoses: readonly FhirDiagnosisInput[];
  admissionDiagnosisIds: readonly string[];
  dischargeDiagnosisIds: readonly string[];
  allergies: readonly FhirAllergyInput[];
  /** the drug lines of the 退院時処方 (444 entries; the typed text stays the narrative) */
  prescriptions?: readonly FhirMedicationInput[];
}

export interface DischargeSummaryBundle {
  bundle: Bundle;
  /** Bundle.identifier.value: 医療機関コード^年^D + 32 hex of the lineage (a new version keeps it) */
  identifier: string;
  contentHash: string;
  units: UnitBundle[];
}

const section = (code: DischargeSectionCode, text: string, entries: readonly string[] = [], sub?: CompositionSection[]) => documentSection(DISCHARGE_SECTIONS, code, text, entries, sub);

const slash = (iso: string) => iso.replaceAll('-', '/');
/** Days in hospital, counting the admission day (入院日 = 退院日 is one day). */
export function stayDays(admissionDate: string, dischargeDate: string): number {
  return Math.round((Date.parse(`${dischargeDate}T00:00:00Z`) - Date.parse(`${admissionDate}T00:00:00Z`)) / 86_400_000) + 1;
}

export function buildDischargeSummaryBundle(input: DischargeSummaryInput, options: { target?: FhirTarget; now?: Date; bundleIdentifier?: string | null } = {}): DischargeSummaryBundle {
  const target = options.target ?? fhirTarget();
  const now = options.now ?? input.confirmedAt;
  const { clinic, patient, stay } = input;
  const units: UnitBundle[] = [];
  const conditions = unitResources<Condition>(units, target, clinic, now, { kind: 'condition', patient, diagnoses: input.diagnoses });
  const allergies = unitResources<AllergyIntolerance>(units, target, clinic, now, { kind: 'allergy', patient, allergies: input.allergies });
  const urlOf = (r: Resource) => `urn:uuid:${r.id}`;
  const conditionUrls = (ids: readonly string[]) => ids.map((id) => conditions.find((c) => c.id === id)).filter((c): c is Condition => Boolean(c)).map(urlOf);

  const patientUrl = patientFullUrl(patient.id);
  const medications = documentMedications(target, clinic, input.prescriptions ?? [], patientUrl);
  const authorUrl = uuidUrl(`practitioner/${input.author.id}`);
  const orgUrl = uuidUrl(`organization/${clinic.institutionNumber}`);
  const encounterUrl = uuidUrl(`encounter/discharge/${input.lineageId}`);
  const courseUrl = uuidUrl(`document-reference/course/${input.lineageId}/${input.version}`);
  const compositionUrl = uuidUrl(`composition/${input.lineageId}/${input.version}`);
  const s = input.sections;

  const practitioner: Practitioner = {
    resourceType: 'Practitioner',
    id: authorUrl.slice(9),
    meta: { lastUpdated: fhirInstant(now), profile: [target.profile(DISCHARGE_PROFILES.practitioner)] },
    name: [{ text: input.author.name }],
  };
  const qualification = practitionerQualification(input.author.licenseNumber);
  if (qualification.length) practitioner.qualification = qualification;
  const org = organization(target, orgUrl.slice(9), clinic.institutionNumber, clinic.name, clinic.address, now);

  const days = stayDays(stay.admissionDate, stay.dischargeDate);
  const encounter: Encounter = {
    resourceType: 'Encounter',
    id: encounterUrl.slice(9),
    meta: { lastUpdated: fhirInstant(now), profile: [target.profile(DISCHARGE_PROFILES.encounter)] },
    identifier: [{ system: ID_SYSTEMS.resourceInstance, value: input.lineageId }],
    status: 'finished',
    class: { system: CODE_SYSTEMS.actCode, code: 'IMP', display: 'inpatient encounter' },
    subject: { reference: patientUrl },
    period: { start: stay.admissionDate, end: stay.dischargeDate },
    length: { value: days, unit: '日', system: 'http://unitsofmeasure.org', code: 'd' },
    hospitalization: {
      dischargeDisposition: { coding: [{ system: DISCHARGE_DISPOSITION_SYSTEM, code: stay.outcome.code, display: stay.outcome.display }] },
      ...(stay.destination ? { destination: { display: stay.destination } } : {}),
    },
    serviceProvider: { reference: orgUrl },
  };
  if (s.reasonForAdmission.trim()) encounter.reasonCode = [{ text: s.reasonForAdmission.trim() }];

  const course: DocumentReference = {
    resourceType: 'DocumentReference',
    id: courseUrl.slice(9),
    meta: { lastUpdated: fhirInstant(now), profile: [target.profile(DISCHARGE_PROFILES.documentReference)] },
    language: 'ja',
    status: 'current',
    type: { coding: [{ system: 'http://loinc.org', code: '8648-8', display: 'Hospital course Narrative' }] },
    subject: { reference: patientUrl },
    description: '入院中経過',
    content: [{ attachment: { contentType: 'text/plain; charset=utf-8', language: 'ja', data: Buffer.from(s.hospitalCourse, 'utf8').toString('base64'), title: '入院中経過' } }],
  };

  const admissionText = `入院日: ${slash(stay.admissionDate)}`;
  const dischargeText = [
    `退院日: ${slash(stay.dischargeDate)}（在院${days}日）`,
    `退院時転帰: ${stay.outcome.display}`,
    stay.destination ? `退院先: ${stay.destination}` : '',
    s.dischargeCondition ? `退院時の状態:\n${s.dischargeCondition}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  const structured: CompositionSection[] = [
    section('322', admissionText, [encounterUrl]),
    section('342', '', conditionUrls(input.admissionDiagnosisIds)),
    section('352', s.chiefComplaint),
    section('312', s.reasonForAdmission, [encounterUrl]),
    section('362', s.presentIllness),
  ];
  if (s.pastHistory.trim()) structured.push(section('372', s.pastHistory));
  if (allergies.length || s.allergiesNote.trim()) structured.push(section('510', s.allergiesNote, allergies.map(urlOf)));
  structured.push(
    section('333', s.hospitalCourse, [courseUrl]),
    section('324', dischargeText, [encounterUrl]),
    section('344', s.diagnosesNote, conditionUrls(input.dischargeDiagnosisIds)),
    section('444', s.medications, medications.map((m) => m.fullUrl)),
    section('424', s.instructions),
  );

  const composition: Composition = {
    resourceType: 'Composition',
    id: compositionUrl.slice(9),
    meta: { lastUpdated: fhirInstant(now), profile: [target.profile(DISCHARGE_PROFILES.composition)] },
    extension: [{ url: VERSION_EXTENSION, valueString: String(input.version) }],
    identifier: { system: ID_SYSTEMS.resourceInstance, value: input.lineageId },
    status: 'final',
    type: { coding: [{ system: DOC_TYPE_SYSTEM, code: '18842-5', display: '退院時サマリー' }] },
    category: [{ coding: [{ system: DOC_SUBTYPE_SYSTEM, code: 'DISCHARGE', display: '退院時文書' }] }],
    subject: { reference: patientUrl },
    encounter: { reference: encounterUrl },
    date: fhirInstant(input.confirmedAt),
    author: [{ reference: authorUrl }, { reference: orgUrl }],
    title: '退院時サマリー',
    custodian: { reference: orgUrl },
    event: [{ period: { start: stay.admissionDate, end: stay.dischargeDate } }],
    section: [section('300', '', [], structured)],
  };
  const entry: BundleEntry[] = [
    { fullUrl: compositionUrl, resource: composition },
    { fullUrl: patientUrl, resource: toFhirPatient(target, clinic, patient) },
    { fullUrl: authorUrl, resource: practitioner },
    { fullUrl: orgUrl, resource: org },
    { fullUrl: encounterUrl, resource: encounter },
    { fullUrl: courseUrl, resource: course },
    ...[...conditions, ...allergies].map((resource) => ({ fullUrl: urlOf(resource), resource })),
    ...medications,
  ];
  const identifier = options.bundleIdentifier ?? `${clinic.institutionNumber}^${jstYear(input.confirmedAt)}^D${hash('sha256', input.lineageId, 'hex').slice(0, 32)}`;
  const bundle: Bundle = {
    resourceType: 'Bundle',
    meta: { lastUpdated: fhirInstant(now), profile: [target.profile(DISCHARGE_PROFILES.bundle)] },
    identifier: { system: ID_SYSTEMS.bundle, value: identifier },
    type: 'document',
    timestamp: fhirInstant(now),
    entry,
  };
  return withContentHash({ bundle, identifier, units });
}
