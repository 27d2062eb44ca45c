/**
 * 真正性 sweep: recomputes the content hash of every 確定 note, prescription, diagnosis, allergy, lab result and document and
 * reports the rows whose stored hash no longer matches (a change made behind the application's back), re-hashes the
 * stored bytes of every 添付資料 against its SHA-256 (0085), and checks each lineage (lab orders and admissions too):
 * exactly one latest version, the highest. Run by `npm run records:verify`.
 */
import { db } from '@/lib/core/db';
import { noteContentHash } from '@/lib/records/notes/note.dto';
import { prescriptionContentHash } from '@/lib/records/prescriptions/prescription-hash';
import { documentContentHash } from '@/lib/records/documents/document-hash';
import { HASHED_TABLES, recordHashesRepository, VERSIONED_TABLES, type VersionedTable } from './record-hashes.repository';

export type HashMismatch = { clinicId: string; table: VersionedTable; id: string; lineageId: string; version: number };
/** A lineage without exactly one latest version, or whose latest is not its highest version (isLatest moved behind the app). */
export type LineageBreak = { clinicId: string; table: VersionedTable; lineageId: string; latestCount: number; maxVersion: number; latestVersion: number | null };

/** A 添付資料 whose stored bytes no longer hash to the SHA-256 recorded at upload. */
export type AttachmentMismatch = { clinicId: string; id: string; patientId: string };

export async function verifyRecordHashes(
  options: { clinicId?: string; batchSize?: number } = {},
): Promise<{ checked: number; mismatches: HashMismatch[]; lineageBreaks: LineageBreak[]; attachmentMismatches: AttachmentMismatch[] }> {
  const take = options.batchSize ?? 500;
  const scope = { clinicId: options.clinicId };
  const mismatches: HashMismatch[] = [];
  let checked = 0;
  for (let skip = 0; ; skip += take) {
    const notes = await recordHashesRepository.finalNotes(db(), scope, skip, take);
    for (const n of notes) {
      checked++;
      if (noteContentHash(n) !== n.contentHash) mismatches.push({ clinicId: n.clinicId, table: 'ClinicalNote', id: n.id, lineageId: n.lineageId, version: n.version });
    }
    if (notes.length < take) break;
  }
  for (let skip = 0; ; skip += take) {
    const rows = await recordHashesRepository.finalPrescriptions(db(), scope, skip, take);
    for (const p of rows) {
      checked++;
      if (prescriptionContentHash(p, p.items) !== p.contentHash) mismatches.push({ clinicId: p.clinicId, table: 'Prescription', id: p.id, lineageId: p.lineageId, version: p.version });
    }
    if (rows.length < take) break;
  }
  for (let skip = 0; ; skip += take) {
    const rows = await recordHashesRepository.finalDocuments(db(), scope, skip, take);
    for (const d of rows) {
      checked++;
      if (documentContentHash(d) !== d.contentHash) mismatches.push({ clinicId: d.clinicId, table: 'ClinicalDocument', id: d.id, lineageId: d.lineageId, version: d.version });
    }
    if (rows.length < take) break;
  }
  for (const table of HASHED_TABLES) {
    const { checked: n, rows } = await recordHashesRepository.hashedRowMismatches(db(), table, scope);
    checked += n;
    mismatches.push(...rows.map((r) => ({ ...r, table })));
  }
  const attachments = await recordHashesRepository.attachmentMismatches(db(), scope);
  checked += attachments.checked;
  const lineageBreaks: LineageBreak[] = [];
  for (const table of VERSIONED_TABLES) {
    lineageBreaks.push(...(await recordHashesRepository.brokenLineages(db(), table, scope)).map((r) => ({ ...r, table })));
  }
  return { checked, mismatches, lineageBreaks, attachmentMismatches: attachments.rows };
}
