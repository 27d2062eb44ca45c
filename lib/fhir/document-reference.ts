/**
 * A 確定 clinical document (診療情報提供書, 退院時サマリー or 健診結果報告書) → FHIR R4 DocumentReference, pure: the vendor API's index
 * entry of the document, with the document itself (the JP-CLINS JP_Bundle_eReferral / JP_Bundle_eDischargeSummary / the 健診結果報告書 bundle,
 * Bundle type document, built by lib/fhir's builders — the ones of the preview, of sending and of the API) as its
 * attachment, base64 application/fhir+json. The logical id
 * is the letter's lineage id, meta.versionId its version; a letter withdrawn (取消) reads `entered-in-error` and
 * carries no document (docs/decisions/0068).
 */
import type { Bundle, DocumentReference } from '@medplum/fhirtypes';
import { fhirInstant } from './common';
import { ID_SYSTEMS } from './profiles';
import { DOC_TYPE_SYSTEM } from './referral';
import type { DocumentKind } from '@/lib/records/documents/document.constants';

/** The JP-CLINS document type code of each document kind (the Composition's type). */
export const DOCUMENT_TYPES = {
  referral: { system: DOC_TYPE_SYSTEM, code: '57133-1', display: '診療情報提供書' },
  discharge_summary: { system: DOC_TYPE_SYSTEM, code: '18842-5', display: '退院時サマリー' },
  checkup_report: { system: DOC_TYPE_SYSTEM, code: '53576-5', display: '検診・健診報告書' },
} as const satisfies Record<DocumentKind, { system: string; code: string; display: string }>;
export type DocumentTypeKind = keyof typeof DOCUMENT_TYPES;

/** The document kinds a `type` token names (system optional). */
export function documentKindsOf(system: string | undefined, code: string | undefined): DocumentTypeKind[] {
  return (Object.keys(DOCUMENT_TYPES) as DocumentTypeKind[]).filter((k) => DOCUMENT_TYPES[k].code === code && (!system || system === DOCUMENT_TYPES[k].system));
}

export type FhirDocumentInput = {
  lineageId: string;
  version: number;
  /** DOCUMENT_KINDS (lib/records/documents/document.constants.ts) */
  kind: string;
  status: string;
  patientId: string;
  visitId: string | null;
  authorId: string;
  clinicId: string;
  confirmedAt: Date | null;
  createdAt: Date;
  /** the FHIR document of a 確定 version (null for a withdrawn one) */
  bundle: Bundle | null;
  /** Bundle.identifier.value of the document (what the sharing service knows it by) */
  bundleIdentifier: string | null;
};

export function toFhirDocumentReference(doc: FhirDocumentInput): DocumentReference {
  const withdrawn = doc.status === 'entered_in_error';
  const type = DOCUMENT_TYPES[doc.kind as DocumentTypeKind] ?? DOCUMENT_TYPES.referral;
  const resource: DocumentReference = {
    resourceType: 'DocumentReference',
    id: doc.lineageId,
    meta: { versionId: String(doc.version), lastUpdated: fhirInstant(doc.createdAt) },
    identifier: [{ system: ID_SYSTEMS.resourceInstance, value: doc.lineageId }],
    status: withdrawn ? 'entered-in-error' : 'current',
    docStatus: 'final',
    type: { coding: [{ ...type }] },
    subject: { reference: `Patient/${doc.patientId}` },
    author: [{ reference: `Practitioner/${doc.authorId}` }],
    custodian: { reference: `Organization/${doc.clinicId}` },
    description: type.display,
    content: [
      {
        attachment: {
          contentType: 'application/fhir+json',
          language: 'ja',
          title: type.display,
          ...(doc.confirmedAt ? { creation: fhirInstant(doc.confirmedAt) } : {}),
          ...(doc.bundle && !withdrawn ? { data: Buffer.from(JSON.stringify(doc.bundle), 'utf8').toString('base64') } : {}),
        },
      },
    ],
  };
  if (doc.bundleIdentifier) resource.masterIdentifier = { system: ID_SYSTEMS.bundle, value: doc.bundleIdentifier };
  if (doc.confirmedAt) resource.date = fhirInstant(doc.confirmedAt);
  if (doc.visitId) resource.context = { encounter: [{ reference: `Encounter/${doc.visitId}` }] };
  return resource;
}
