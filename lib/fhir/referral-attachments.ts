/**
 * The 添付資料 of a 診療情報提供書 as JP-CLINS prescribes them, pure (docs/decisions/0085): section 210 添付情報 refers
 * to each uploaded file's JP_DocumentReference_eCS (contentType, title, size, SHA-1 hash, creation) whose attachment
 * points at a JP_Binary entry holding the bytes, and to each attached document (a 退院時サマリー's
 * JP_Bundle_eDischargeSummary or a 健診結果報告書's bundle) as a Bundle entry of the letter — the IG's route for sending
 * a summary to a named institution.
 */
import { createHash } from 'node:crypto';
import type { Binary, Bundle, BundleEntry, DocumentReference } from '@medplum/fhirtypes';
import { fhirInstant } from './common';
import { ID_SYSTEMS, type FhirTarget } from './profiles';

export const ATTACHMENT_PROFILES = {
  binary: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Binary',
  documentReference: 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_DocumentReference_eCS',
} as const;

/** One uploaded file as the letter carries it. */
export type FhirAttachmentInput = { id: string; fileName: string; contentType: string; size: number; data: Uint8Array; createdAt: Date };
/** One attached document: its own FHIR document bundle, built by its kind's builder. */
export type FhirAttachedDocumentInput = { title: string; bundle: Bundle };

export type AttachmentEntries = { entries: BundleEntry[]; references: string[]; narrative: string };

/**
 * The entries of the attachments (DocumentReference + Binary per file, the Bundle of each attached document), the
 * references section 210 lists, and its narrative (one line each: what the receiver reads first).
 */
export function attachmentEntries(
  target: FhirTarget,
  now: Date,
  patientUrl: string,
  files: readonly FhirAttachmentInput[],
  documents: readonly FhirAttachedDocumentInput[],
  uuidUrl: (seed: string) => string,
): AttachmentEntries {
  const entries: BundleEntry[] = [];
  const references: string[] = [];
  const lines: string[] = [];
  for (const f of files) {
    const binaryUrl = uuidUrl(`binary/${f.id}`);
    const refUrl = uuidUrl(`document-reference/attachment/${f.id}`);
    const bytes = Buffer.from(f.data);
    const binary: Binary = {
      resourceType: 'Binary',
      id: binaryUrl.slice(9),
      meta: { lastUpdated: fhirInstant(now), profile: [target.profile(ATTACHMENT_PROFILES.binary)] },
      contentType: f.contentType,
      data: bytes.toString('base64'),
    };
    const reference: DocumentReference = {
      resourceType: 'DocumentReference',
      id: refUrl.slice(9),
      meta: { lastUpdated: fhirInstant(now), profile: [target.profile(ATTACHMENT_PROFILES.documentReference)] },
      identifier: [{ system: ID_SYSTEMS.resourceInstance, value: f.id }],
      language: 'ja',
      status: 'current',
      type: { coding: [{ system: 'http://loinc.org', code: '55107-7', display: 'Addendum Document' }], text: '添付資料' },
      subject: { reference: patientUrl },
      date: fhirInstant(f.createdAt),
      description: f.fileName,
      content: [
        {
          attachment: {
            contentType: f.contentType,
            url: binaryUrl,
            size: bytes.length,
            // FHIR R4 Attachment.hash is the base64 SHA-1 of the data
            hash: createHash('sha1').update(bytes).digest('base64'),
            title: f.fileName,
            creation: fhirInstant(f.createdAt),
          },
        },
      ],
    };
    entries.push({ fullUrl: refUrl, resource: reference }, { fullUrl: binaryUrl, resource: binary });
    references.push(refUrl);
    lines.push(`${f.fileName}（${f.contentType}）`);
  }
  for (const d of documents) {
    const url = uuidUrl(`bundle/${d.bundle.identifier?.value ?? d.title}`);
    entries.push({ fullUrl: url, resource: d.bundle });
    references.push(url);
    lines.push(d.title);
  }
  return { entries, references, narrative: lines.join('\n') };
}
