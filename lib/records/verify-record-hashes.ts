/**
 * 真正性 sweep: recomputes the content hash of every 確定 note and prescription and reports the rows whose
 * stored hash no longer matches (a change made behind the application's back). Run by `npm run records:verify`.
 */
import { db } from '@/lib/core/db';
import { noteContentHash } from '@/lib/records/notes/note.dto';
import { prescriptionContentHash } from '@/lib/records/prescriptions/prescription-hash';
import { recordHashesRepository } from './record-hashes.repository';

export type HashMismatch = { clinicId: string; table: 'ClinicalNote' | 'Prescription'; id: string; lineageId: string; version: number };

export async function verifyRecordHashes(options: { clinicId?: string; batchSize?: number } = {}): Promise<{ checked: number; mismatches: HashMismatch[] }> {
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
  return { checked, mismatches };
}
