/**
 * 診療情報提供書 → JP_Bundle_eReferral (JP-CLINS 1.5.2), pure. The clinical entries are the 6情報 mapping itself: the
 * Conditions, AllergyIntolerances and Observations come out of buildUnitBundle (the same builder the sharing service's
 * units use, never a second mapping), and the 処方 of 430 投薬指示 are MedicationRequests from the vendor API's own
 * mapping (toFhirMedicationRequest, JP_MedicationRequest_eCS inside documents); this file adds the document around them: Composition (920 紹介元, 910 紹介先,
 * 300 構造情報 with 950 紹介目的, 340 傷病名・主訴, 360 現病歴 and the optional sections, 220 備考), the author
 * Practitioner (医籍登録番号 when the model has it) and the two Organizations with their 医療機関コード.
 */
import { hash } from 'node:crypto';
import type { AllergyIntolerance, Bundle, BundleEntry, Composition, CompositionSection, Condition, MedicationRequest, Observation, Organization, Practitioner, Resource } from '@medplum/fhirtypes';
import { buildUnitBundle, withContentHash, type UnitBundle } from './bundle';
import { fhirDate, fhirInstant, jstYear, patientFullUrl } from './common';
import { ID_SYSTEMS, fhirTarget } from './profiles';
import { toFhirMedicationRequest } from './medication-request';
import { toFhirPatient } from './patient';
import { practitionerQualification, toFhirOrganization } from './practitioner';
import type { FhirTarget } from './profiles';
import { attachmentEntries, type FhirAttachedDocumentInput, type FhirAttachmentInput } from './referral-attachments';
import type { FhirAllergyInput, FhirClinicInput, FhirDiagnosisInput, FhirLabResultInput, FhirMedicationInput, FhirPatientInput } from './types';

export const REFERRAL_PROFILES = {
  bundle: 'http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eReferral',
  composition: 'http://jpfhir.jp/fhir/eReferral/StructureDefinition/JP_Composition_eReferral',
  practitioner: 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Practitioner_eCS',
  organization: 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Organization_eCS',
} as const;

export const DOCUMENT_SECTION_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/document-section';
export const DOC_TYPE_SYSTEM = 'http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes';
export const DOC_SUBTYPE_SYSTEM = 'http://jpfhir.jp/fhir/Common/CodeSystem/doc-subtypecodes';
export const VERSION_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber';
export const EMPTY_REASON = 'http://terminology.hl7.org/CodeSystem/list-empty-reason';

/** The sections this product writes: code → title (the profile's fixed / pattern title) and section display. */
export const REFERRAL_SECTIONS = {
  '920': { title: '紹介元情報', display: '紹介元情報セクション' },
  '910': { title: '紹介先情報', display: '紹介先情報セクション' },
  '300': { title: '構造情報', display: '構造情報セクション' },
  '950': { title: '紹介目的', display: '紹介目的セクション' },
  '340': { title: '傷病名・主訴', display: '傷病名・主訴セクション' },
  '360': { title: '現病歴', display: '現病歴セクション' },
  '370': { title: '既往歴', display: '既往歴セクション' },
  '510': { title: 'アレルギー・不耐性反応', display: 'アレルギー・不耐性反応セクション' },
  '550': { title: '家族歴', display: '家族歴セクション' },
  '620': { title: '検査結果', display: '検査結果セクション' },
  '330': { title: '臨床経過', display: '臨床経過セクション' },
  '430': { title: '投薬指示', display: '投薬指示セクション' },
  '220': { title: '備考・連絡情報', display: '備考・連絡情報セクション' },
  '210': { title: '添付情報', display: '添付情報セクション' },
} as const;
export type ReferralSectionCode = keyof typeof REFERRAL_SECTIONS;
/** The sub-sections of 300 構造情報 the profile requires. */
export const REQUIRED_SUBSECTIONS: readonly ReferralSectionCode[] = ['950', '340', '360'];

export interface ReferralDocumentInput {
  /** the letter's lineage (Composition.identifier, stable across versions) and version */
  lineageId: string;
  version: number;
  confirmedAt: Date;
  clinic: FhirClinicInput & { address?: string | null; postalCode?: string | null; phone?: string | null };
  author: { id: string; name: string; licenseNumber?: string | null };
  destination: { code: string | null; name: string; address?: string | null; department: string; doctor: string };
  patient: FhirPatientInput;
  sections: { purpose: string; chiefComplaint: string; presentIllness: string; pastHistory: string; familyHistory: string; clinicalCourse: string; medications: string; remarks: string; diagnosesNote: string; allergiesNote: string; labsNote: string };
  diagnoses: readonly FhirDiagnosisInput[];
  allergies: readonly FhirAllergyInput[];
  /** lab results grouped by their report (one 6情報 lab-report unit each) */
  labReports: readonly { reportKey: string; results: readonly FhirLabResultInput[] }[];
  /** the drug lines of the prescriptions the letter lists (430 投薬指示 entries; the typed text stays the narrative) */
  prescriptions?: readonly FhirMedicationInput[];
  /** 添付資料: uploaded files (DocumentReference + Binary) and attached documents (their bundles), section 210 */
  attachments?: readonly FhirAttachmentInput[];
  attachedDocuments?: readonly FhirAttachedDocumentInput[];
}

export interface ReferralBundle {
  bundle: Bundle;
  /** Bundle.identifier.value: 医療機関コード^年^R + 32 hex of the lineage (a new version keeps it) */
  identifier: string;
  contentHash: string;
  /** the 6情報 unit bundles the clinical entries were taken from: validated exactly as the sharing service's units are */
  units: UnitBundle[];
}

export const uuidUrl = (seed: string) => {
  const h = hash('sha256', seed, 'hex');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Section narrative: the text as typed, lines kept. */
export function narrative(text: string): CompositionSection['text'] {
  return { status: 'additional', div: `<div xmlns="http://www.w3.org/1999/xhtml">${text.split('\n').map(escapeXml).join('<br/>')}</div>` };
}

/** One section of any document kind: its table's title and display, the text, the entries, or the empty reason. */
export function documentSection<C extends string>(table: Record<C, { title: string; display: string }>, code: C, text: string, entries: readonly string[] = [], sub?: CompositionSection[]): CompositionSection {
  const { title, display } = table[code];
  const s: CompositionSection = { title, code: { coding: [{ system: DOCUMENT_SECTION_SYSTEM, code, display }] } };
  if (text.trim()) s.text = narrative(text.trim());
  if (entries.length) s.entry = entries.map((reference) => ({ reference }));
  if (sub) s.section = sub;
  if (!s.text && !s.entry && !s.section) s.emptyReason = { coding: [{ system: EMPTY_REASON, code: 'unavailable', display: '利用不可' }] };
  return s;
}

const section = (code: ReferralSectionCode, text: string, entries: readonly string[] = [], sub?: CompositionSection[]) => documentSection(REFERRAL_SECTIONS, code, text, entries, sub);

/**
 * The 処方 of a document as MedicationRequests: the one MedicationRequest mapping (vendor API, prescriptions) in its
 * document form, each under a urn:uuid fullUrl (its id) derived from the drug line's logical id.
 */
export function documentMedications(target: FhirTarget, clinic: FhirClinicInput, items: readonly FhirMedicationInput[], patientUrl: string): { fullUrl: string; resource: MedicationRequest }[] {
  return items.map((item) => {
    const resource = toFhirMedicationRequest(target, clinic, item, patientUrl, { inDocument: true });
    const fullUrl = uuidUrl(`medication-request/${resource.id}/${item.version}`);
    return { fullUrl, resource: { ...resource, id: fullUrl.slice(9) } };
  });
}

export function organization(target: FhirTarget, id: string, code: string | null, name: string, address: string | null | undefined, at: Date): Organization {
  return toFhirOrganization(target, { id, institutionNumber: code, name, address, updatedAt: at }, REFERRAL_PROFILES.organization);
}

/** The resources of one 6情報 unit, from the same builder the sharing service uses (Patient left out: it is entry 2). */
export function unitResources<T extends Resource>(units: UnitBundle[], target: FhirTarget, clinic: FhirClinicInput, now: Date, input: Parameters<typeof buildUnitBundle>[1]): T[] {
  const unit = buildUnitBundle({ clinic, now, target }, input);
  if (!unit) return [];
  units.push(unit);
  return (unit.bundle.entry ?? []).map((e) => e.resource!).filter((r) => r.resourceType !== 'Patient') as T[];
}

/** `bundleIdentifier`: the identifier the letter was first sent under (差替 keeps it, even in a later year). */
export function buildReferralBundle(input: ReferralDocumentInput, options: { target?: FhirTarget; now?: Date; bundleIdentifier?: string | null } = {}): ReferralBundle {
  const target = options.target ?? fhirTarget();
  const now = options.now ?? input.confirmedAt;
  const { clinic, patient } = input;
  const units: UnitBundle[] = [];
  const conditions = unitResources<Condition>(units, target, clinic, now, { kind: 'condition', patient, diagnoses: input.diagnoses });
  const allergies = unitResources<AllergyIntolerance>(units, target, clinic, now, { kind: 'allergy', patient, allergies: input.allergies });
  const observations = input.labReports.flatMap((r) => unitResources<Observation>(units, target, clinic, now, { kind: 'lab-report', patient, reportKey: r.reportKey, results: r.results }));

  const patientUrl = patientFullUrl(patient.id);
  const medications = documentMedications(target, clinic, input.prescriptions ?? [], patientUrl);
  const authorUrl = uuidUrl(`practitioner/${input.author.id}`);
  const fromUrl = uuidUrl(`organization/${clinic.institutionNumber}`);
  const toUrl = uuidUrl(`organization/to/${input.lineageId}`);
  const toDoctorUrl = uuidUrl(`practitioner/to/${input.lineageId}`);
  const compositionUrl = uuidUrl(`composition/${input.lineageId}/${input.version}`);
  const urlOf = (r: Resource) => `urn:uuid:${r.id}`;

  const practitioner: Practitioner = {
    resourceType: 'Practitioner',
    id: authorUrl.slice(9),
    meta: { lastUpdated: fhirInstant(now), profile: [target.profile(REFERRAL_PROFILES.practitioner)] },
    name: [{ text: input.author.name }],
  };
  const qualification = practitionerQualification(input.author.licenseNumber);
  if (qualification.length) practitioner.qualification = qualification;
  const toDoctor: Practitioner | null = input.destination.doctor
    ? { resourceType: 'Practitioner', id: toDoctorUrl.slice(9), meta: { lastUpdated: fhirInstant(now), profile: [target.profile(REFERRAL_PROFILES.practitioner)] }, name: [{ text: input.destination.doctor }] }
    : null;
  const from = organization(target, fromUrl.slice(9), clinic.institutionNumber, clinic.name, clinic.address, now);
  const to = organization(target, toUrl.slice(9), input.destination.code, input.destination.department ? `${input.destination.name} ${input.destination.department}` : input.destination.name, input.destination.address, now);

  const s = input.sections;
  const structured: CompositionSection[] = [
    section('950', s.purpose),
    section('340', s.chiefComplaint ? `主訴: ${s.chiefComplaint}${s.diagnosesNote ? `\n${s.diagnosesNote}` : ''}` : s.diagnosesNote, conditions.map(urlOf)),
    section('360', s.presentIllness),
  ];
  if (s.pastHistory.trim()) structured.push(section('370', s.pastHistory));
  if (allergies.length || s.allergiesNote.trim()) structured.push(section('510', s.allergiesNote, allergies.map(urlOf)));
  if (s.familyHistory.trim()) structured.push(section('550', s.familyHistory));
  if (observations.length || s.labsNote.trim()) structured.push(section('620', s.labsNote, observations.map(urlOf)));
  if (s.clinicalCourse.trim()) structured.push(section('330', s.clinicalCourse));
  if (s.medications.trim() || medications.length) structured.push(section('430', s.medications, medications.map((m) => m.fullUrl)));
  const sections: CompositionSection[] = [
    section('920', '', [fromUrl, authorUrl]),
    section('910', '', toDoctor ? [toUrl, toDoctorUrl] : [toUrl]),
    section('300', '', [], structured),
  ];
  if (s.remarks.trim()) sections.push(section('220', s.remarks));
  const attached = attachmentEntries(target, now, patientUrl, input.attachments ?? [], input.attachedDocuments ?? [], uuidUrl);
  if (attached.references.length) sections.push(section('210', attached.narrative, attached.references));

  const composition: Composition = {
    resourceType: 'Composition',
    id: compositionUrl.slice(9),
    meta: { lastUpdated: fhirInstant(now), profile: [target.profile(REFERRAL_PROFILES.composition)] },
    extension: [{ url: VERSION_EXTENSION, valueString: String(input.version) }],
    identifier: { system: ID_SYSTEMS.resourceInstance, value: input.lineageId },
    status: 'final',
    type: { coding: [{ system: DOC_TYPE_SYSTEM, code: '57133-1', display: '診療情報提供書' }] },
    category: [{ coding: [{ system: DOC_SUBTYPE_SYSTEM, code: 'OUTPATIENT', display: '外来文書' }] }],
    subject: { reference: patientUrl },
    date: fhirInstant(input.confirmedAt),
    author: [{ reference: authorUrl }, { reference: fromUrl }],
    title: '診療情報提供書',
    custodian: { reference: fromUrl },
    event: [{ code: [{ text: '診療情報提供書発行' }], period: { start: fhirDate(fhirInstant(input.confirmedAt)) } }],
    section: sections,
  };
  const entry: BundleEntry[] = [
    { fullUrl: compositionUrl, resource: composition },
    { fullUrl: patientUrl, resource: toFhirPatient(target, clinic, patient) },
    { fullUrl: authorUrl, resource: practitioner },
    ...(toDoctor ? [{ fullUrl: toDoctorUrl, resource: toDoctor }] : []),
    { fullUrl: fromUrl, resource: from },
    { fullUrl: toUrl, resource: to },
    ...[...conditions, ...allergies, ...observations].map((resource) => ({ fullUrl: urlOf(resource), resource })),
    ...medications,
    ...attached.entries,
  ];
  const identifier = options.bundleIdentifier ?? `${clinic.institutionNumber}^${jstYear(input.confirmedAt)}^R${hash('sha256', input.lineageId, 'hex').slice(0, 32)}`;
  const bundle: Bundle = {
    resourceType: 'Bundle',
    meta: { lastUpdated: fhirInstant(now), profile: [target.profile(REFERRAL_PROFILES.bundle)] },
    identifier: { system: ID_SYSTEMS.bundle, value: identifier },
    type: 'document',
    timestamp: fhirInstant(now),
    entry,
  };
  return withContentHash({ bundle, identifier, units });
}
