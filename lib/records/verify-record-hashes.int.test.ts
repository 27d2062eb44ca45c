import { describe, expect, it } from 'vitest';
import { createNote, confirmNote } from '@/lib/records/notes/note.service';
import { recordAllergy, reviseAllergy } from '@/lib/records/allergies/allergy.service';
import { clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { withTriggersOff } from '@/tests/helpers/db-role';
import { verifyRecordHashes } from './verify-record-hashes';
import { confirmDocument, saveReferral } from './documents/document.service';
import { uploadDocumentAttachment } from './documents/document-attachment.service';

describe('真正性 sweep', () => {
  it('finds a 確定 note whose content was changed behind the application', async () => {
    const { clinic, doctor, receptionist } = await clinicWithStaff();
    const patient = await createPatient(receptionist);
    const vitals = { heightCm: null, weightKg: null, systolicBp: null, diastolicBp: null, pulse: null, bodyTempC: null, spo2: null };
    const note = await createNote({ patientId: patient.id, subjective: '頭痛', objective: '', assessment: '', plan: '経過観察', ...vitals }, doctor);
    await confirmNote({ noteId: note.id }, doctor);
    expect(await verifyRecordHashes({ clinicId: clinic.id })).toEqual({ checked: 1, mismatches: [], lineageBreaks: [], attachmentMismatches: [] });

    await withTriggersOff((c) => c.query(`UPDATE "ClinicalNote" SET plan = '改ざん' WHERE "clinicId" = $1`, [clinic.id]));
    const result = await verifyRecordHashes({ clinicId: clinic.id });
    expect(result.mismatches).toEqual([expect.objectContaining({ table: 'ClinicalNote', lineageId: note.lineageId, version: 1 })]);
  });

  it('hashes every 確定 allergy (diagnoses and lab results alike) and finds an edit, and a lineage whose latest flag was moved', async () => {
    const { clinic, doctor, nurse, receptionist } = await clinicWithStaff();
    const patient = await createPatient(receptionist);
    const v1 = await recordAllergy({ patientId: patient.id, category: 'food', substanceName: 'そば', severity: 'mild' }, nurse);
    await reviseAllergy({ allergyId: v1.id, category: 'food', substanceName: 'そば', severity: 'severe', changeReason: '重症度の訂正' }, doctor);
    expect(await verifyRecordHashes({ clinicId: clinic.id })).toEqual({ checked: 2, mismatches: [], lineageBreaks: [], attachmentMismatches: [] });

    await withTriggersOff((c) => c.query(`UPDATE "Allergy" SET severity = 'mild' WHERE "clinicId" = $1 AND version = 2`, [clinic.id]));
    const edited = await verifyRecordHashes({ clinicId: clinic.id });
    expect(edited.mismatches).toEqual([expect.objectContaining({ table: 'Allergy', lineageId: v1.lineageId, version: 2 })]);

    // hiding the current version (isLatest = false on it) leaves the lineage without a latest version
    await withTriggersOff((c) => c.query(`UPDATE "Allergy" SET "isLatest" = false WHERE "clinicId" = $1 AND version = 2`, [clinic.id]));
    const hidden = await verifyRecordHashes({ clinicId: clinic.id });
    expect(hidden.lineageBreaks).toEqual([{ clinicId: clinic.id, table: 'Allergy', lineageId: v1.lineageId, latestCount: 0, maxVersion: 2, latestVersion: null }]);
  });

  it('re-hashes every 確定 診療情報提供書 and finds one changed behind the application', async () => {
    const { clinic, doctor, receptionist } = await clinicWithStaff();
    const patient = await createPatient(receptionist);
    const doc = await saveReferral({ patientId: patient.id, destination: { institutionId: null, name: '市立病院', department: '', doctor: '' }, purpose: '精査依頼' }, doctor);
    await confirmDocument({ documentId: doc.id }, doctor);
    expect(await verifyRecordHashes({ clinicId: clinic.id })).toEqual({ checked: 1, mismatches: [], lineageBreaks: [], attachmentMismatches: [] });

    await withTriggersOff((c) => c.query(`UPDATE "ClinicalDocument" SET content = jsonb_set(content, '{purpose}', '"改ざん"') WHERE "clinicId" = $1`, [clinic.id]));
    const result = await verifyRecordHashes({ clinicId: clinic.id });
    expect(result.mismatches).toEqual([expect.objectContaining({ table: 'ClinicalDocument', lineageId: doc.lineageId, version: 1 })]);
  });

  it('re-hashes the stored bytes of every 添付資料 and finds one changed behind the application', async () => {
    const { clinic, doctor, receptionist } = await clinicWithStaff();
    const patient = await createPatient(receptionist);
    const pdf = Buffer.from('%PDF-1.4\n% 心電図\n%%EOF\n');
    const file = await uploadDocumentAttachment({ patientId: patient.id, fileName: '心電図.pdf', contentType: 'application/pdf', dataBase64: pdf.toString('base64') }, doctor);
    expect(await verifyRecordHashes({ clinicId: clinic.id })).toEqual({ checked: 1, mismatches: [], lineageBreaks: [], attachmentMismatches: [] });

    await withTriggersOff((c) => c.query(`UPDATE "DocumentAttachment" SET data = $2 WHERE "clinicId" = $1`, [clinic.id, Buffer.from('%PDF-1.4\n% 差し替え\n%%EOF\n')]));
    const result = await verifyRecordHashes({ clinicId: clinic.id });
    expect(result.attachmentMismatches).toEqual([{ clinicId: clinic.id, id: file.id, patientId: patient.id }]);
    expect(result.mismatches).toEqual([]);
  });
});
