/**
 * 健康診断結果報告書 (特定健診) → JP_Bundle_eCheckupGeneral (the JP-CLINS variant; eCheckupReport package 1.0.0, a
 * 2024-02 pre-release), pure (docs/decisions/0066). Composition type 53576-5 「検診・健診報告書」, category and event
 * 特定健診, the 健診 as an Encounter (class checkup), one 01011 特定健診検査結果 section listing one Observation per
 * item: the measurements and lab values as valueQuantity (UCUM), 尿糖 / 尿蛋白 as the 特定健診 choice codes,
 * メタボリックシンドローム判定 coded, and 医師の診断（判定） as text (the 総合判定 first). Codes are the 特定健診
 * JLAC10 codes of the package (urn:oid:1.2.392.200119.6.1005); the Patient is the JP_Patient_eCS of the other documents.
 * The 問診 answers (標準的な質問票, docs/decisions/0086), when there are any, are a second section 01012 特定健診問診結果 of
 * coded Observations (category social-history), as in the package's sample bundle.
 */
import { hash } from 'node:crypto';
import type { Bundle, BundleEntry, Composition, Encounter, Observation, Organization, Practitioner } from '@medplum/fhirtypes';
import { withContentHash } from './bundle';
import { fhirInstant, jstYear, patientFullUrl } from './common';
import { ID_SYSTEMS, fhirTarget, type FhirTarget } from './profiles';
import { toFhirPatient } from './patient';
import { practitionerQualification, toFhirOrganization } from './practitioner';
import { DOC_TYPE_SYSTEM, VERSION_EXTENSION, narrative, uuidUrl } from './referral';
import type { FhirClinicInput, FhirPatientInput } from './types';

export const CHECKUP_PROFILES = {
  bundle: 'http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eCheckupGeneral',
  composition: 'http://jpfhir.jp/fhir/eCheckup/StructureDefinition/JP_Composition_eCheckupGeneral',
  practitioner: 'http://jpfhir.jp/fhir/eCheckup/StructureDefinition/JP_Practitioner_eCheckupGeneral',
  organization: 'http://jpfhir.jp/fhir/eCheckup/StructureDefinition/JP_Organization_eCheckupGeneral',
  encounter: 'http://jpfhir.jp/fhir/eCheckup/StructureDefinition/JP_Encounter_eCheckupGeneral',
  observation: 'http://jpfhir.jp/fhir/eCheckup/StructureDefinition/JP_Observation_eCheckupGeneral',
} as const;

export const CHECKUP_SYSTEMS = {
  /** 特定健診 item codes (JLAC10 17 characters) */
  item: 'urn:oid:1.2.392.200119.6.1005',
  section: 'http://jpfhir.jp/fhir/eCheckup/CodeSystem/section-code',
  /** 健診種別 (Composition.category): 10 特定健診 */
  reportCategory: 'urn:oid:2.16.840.1.113883.2.2.1.6.1001',
  /** 健診プログラム (Composition.event.code): 010 特定健診 */
  program: 'urn:oid:1.2.392.200119.6.1002',
  encounterCategory: 'http://jpfhir.jp/fhir/eCheckup/CodeSystem/encounter-category',
  observationCategory: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_SimpleObservationCategory_CS',
  urine: 'urn:oid:1.2.392.200119.6.2102',
  metabolic: 'urn:oid:1.2.392.200119.6.1008',
  ucum: 'http://unitsofmeasure.org',
} as const;

export const CHECKUP_SECTION = { code: '01011', title: '特定健診検査結果', display: '特定健診検査結果セクション' } as const;
export const QUESTIONNAIRE_SECTION = { code: '01012', title: '特定健診問診結果', display: '特定健診問診結果セクション' } as const;
export const DOCTOR_JUDGMENT_CODE = '9N511000000000049';

/** One item of the report, as the builder takes it (the service maps the stored content to these). */
export type CheckupItemInput =
  | { kind: 'quantity'; code: string; display: string; value: number; unit: string; ucum: string; category: string; specimen?: string }
  | { kind: 'coded'; code: string; display: string; system: string; valueCode: string; valueDisplay: string; category: string; specimen?: string }
  | { kind: 'text'; code: string; display: string; value: string; category: string };

export interface CheckupReportInput {
  lineageId: string;
  version: number;
  confirmedAt: Date;
  examDate: string;
  clinic: FhirClinicInput & { address?: string | null };
  author: { id: string; name: string; licenseNumber?: string | null };
  patient: FhirPatientInput;
  items: readonly CheckupItemInput[];
  /** the 問診 answers (coded, category social-history); none: no 01012 section */
  questionnaire?: readonly CheckupItemInput[];
}

export interface CheckupReportBundle {
  bundle: Bundle;
  /** 医療機関コード^年^C + 32 hex of the lineage (a new version keeps it) */
  identifier: string;
  contentHash: string;
  /** no 6情報 unit bundles: the items are not 6情報 records */
  units: [];
}

export function buildCheckupReportBundle(input: CheckupReportInput, options: { target?: FhirTarget; now?: Date; bundleIdentifier?: string | null } = {}): CheckupReportBundle {
  const target = options.target ?? fhirTarget();
  const now = options.now ?? input.confirmedAt;
  const { clinic, patient } = input;
  const patientUrl = patientFullUrl(patient.id);
  const authorUrl = uuidUrl(`practitioner/${input.author.id}`);
  const orgUrl = uuidUrl(`organization/${clinic.institutionNumber}`);
  const encounterUrl = uuidUrl(`encounter/checkup/${input.lineageId}`);
  const compositionUrl = uuidUrl(`composition/${input.lineageId}/${input.version}`);
  const meta = (profile: string) => ({ lastUpdated: fhirInstant(now), profile: [target.profile(profile)] });

  const practitioner: Practitioner = { resourceType: 'Practitioner', id: authorUrl.slice(9), meta: meta(CHECKUP_PROFILES.practitioner), name: [{ text: input.author.name }] };
  const qualification = practitionerQualification(input.author.licenseNumber);
  if (qualification.length) practitioner.qualification = qualification;
  const org: Organization = toFhirOrganization(target, { id: orgUrl.slice(9), institutionNumber: clinic.institutionNumber, name: clinic.name, address: clinic.address, updatedAt: now }, CHECKUP_PROFILES.organization);
  const encounter: Encounter = {
    resourceType: 'Encounter',
    id: encounterUrl.slice(9),
    meta: meta(CHECKUP_PROFILES.encounter),
    status: 'finished',
    class: { system: CHECKUP_SYSTEMS.encounterCategory, code: 'checkup', display: '健診' },
    subject: { reference: patientUrl },
    period: { start: input.examDate, end: input.examDate },
    serviceProvider: { reference: orgUrl },
  };

  const toObservation = (item: CheckupItemInput): Observation => {
    const url = uuidUrl(`observation/checkup/${input.lineageId}/${input.version}/${item.code}`);
    const o: Observation = {
      resourceType: 'Observation',
      id: url.slice(9),
      meta: meta(CHECKUP_PROFILES.observation),
      identifier: [{ system: ID_SYSTEMS.resourceInstance, value: `${input.lineageId}-${item.code}` }],
      status: 'final',
      category: [{ coding: [{ system: CHECKUP_SYSTEMS.observationCategory, code: item.category }] }],
      code: { coding: [{ system: CHECKUP_SYSTEMS.item, code: item.code, display: item.display }] },
      subject: { reference: patientUrl },
      effectiveDateTime: input.examDate,
    };
    if (item.kind === 'quantity') o.valueQuantity = { value: item.value, unit: item.unit, system: CHECKUP_SYSTEMS.ucum, code: item.ucum };
    else if (item.kind === 'coded') o.valueCodeableConcept = { coding: [{ system: item.system, code: item.valueCode, display: item.valueDisplay }] };
    else {
      o.valueString = item.value;
      o.performer = [{ reference: authorUrl }];
    }
    if (item.kind !== 'text' && item.specimen) o.specimen = { display: item.specimen };
    return o;
  };
  const observations = input.items.map(toObservation);
  const answers = (input.questionnaire ?? []).map(toObservation);
  const urlOf = (o: Observation) => `urn:uuid:${o.id}`;

  const summaryOf = (items: readonly CheckupItemInput[]) =>
    items.map((i) => `${i.display}: ${i.kind === 'quantity' ? `${i.value} ${i.unit}` : i.kind === 'coded' ? i.valueDisplay : i.value}`).join('\n');
  const composition: Composition = {
    resourceType: 'Composition',
    id: compositionUrl.slice(9),
    meta: meta(CHECKUP_PROFILES.composition),
    language: 'ja',
    extension: [{ url: VERSION_EXTENSION, valueString: String(input.version) }],
    identifier: { system: ID_SYSTEMS.resourceInstance, value: input.lineageId },
    status: 'final',
    type: { coding: [{ system: DOC_TYPE_SYSTEM, code: '53576-5', display: '検診・健診報告書' }] },
    category: [{ coding: [{ system: CHECKUP_SYSTEMS.reportCategory, code: '10', display: '特定健診' }] }],
    subject: { reference: patientUrl },
    encounter: { reference: encounterUrl },
    date: fhirInstant(input.confirmedAt),
    author: [{ reference: authorUrl }, { reference: orgUrl }],
    title: '健康診断結果報告書',
    custodian: { reference: orgUrl },
    event: [{ code: [{ coding: [{ system: CHECKUP_SYSTEMS.program, code: '010', display: '特定健診' }] }], period: { start: input.examDate, end: input.examDate }, detail: [{ reference: encounterUrl }] }],
    section: [
      {
        title: CHECKUP_SECTION.title,
        code: { coding: [{ system: CHECKUP_SYSTEMS.section, code: CHECKUP_SECTION.code, display: CHECKUP_SECTION.display }] },
        text: narrative(summaryOf(input.items)),
        entry: observations.map((o) => ({ reference: urlOf(o) })),
      },
      ...(answers.length
        ? [
            {
              title: QUESTIONNAIRE_SECTION.title,
              code: { coding: [{ system: CHECKUP_SYSTEMS.section, code: QUESTIONNAIRE_SECTION.code, display: QUESTIONNAIRE_SECTION.display }] },
              text: narrative(summaryOf(input.questionnaire ?? [])),
              entry: answers.map((o) => ({ reference: urlOf(o) })),
            },
          ]
        : []),
    ],
  };
  const entry: BundleEntry[] = [
    { fullUrl: compositionUrl, resource: composition },
    { fullUrl: patientUrl, resource: toFhirPatient(target, clinic, patient) },
    { fullUrl: authorUrl, resource: practitioner },
    { fullUrl: orgUrl, resource: org },
    { fullUrl: encounterUrl, resource: encounter },
    ...[...observations, ...answers].map((o) => ({ fullUrl: urlOf(o), resource: o })),
  ];
  const identifier = options.bundleIdentifier ?? `${clinic.institutionNumber}^${jstYear(input.confirmedAt)}^C${hash('sha256', input.lineageId, 'hex').slice(0, 32)}`;
  const bundle: Bundle = {
    resourceType: 'Bundle',
    meta: { lastUpdated: fhirInstant(now), profile: [target.profile(CHECKUP_PROFILES.bundle)] },
    identifier: { system: ID_SYSTEMS.bundle, value: identifier },
    type: 'document',
    timestamp: fhirInstant(now),
    entry,
  };
  return withContentHash({ bundle, identifier, units: [] });
}
