import { describe, expect, it } from 'vitest';
import { createNote, confirmNote } from '@/lib/records/notes/note.service';
import { clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { withTriggersOff } from '@/tests/helpers/db-role';
import { verifyRecordHashes } from './verify-record-hashes';

describe('真正性 sweep', () => {
  it('finds a 確定 note whose content was changed behind the application', async () => {
    const { clinic, doctor, receptionist } = await clinicWithStaff();
    const patient = await createPatient(receptionist);
    const vitals = { heightCm: null, weightKg: null, systolicBp: null, diastolicBp: null, pulse: null, bodyTempC: null, spo2: null };
    const note = await createNote({ patientId: patient.id, subjective: '頭痛', objective: '', assessment: '', plan: '経過観察', ...vitals }, doctor);
    await confirmNote({ noteId: note.id }, doctor);
    expect(await verifyRecordHashes({ clinicId: clinic.id })).toEqual({ checked: 1, mismatches: [] });

    await withTriggersOff((c) => c.query(`UPDATE "ClinicalNote" SET plan = '改ざん' WHERE "clinicId" = $1`, [clinic.id]));
    const result = await verifyRecordHashes({ clinicId: clinic.id });
    expect(result.mismatches).toEqual([expect.objectContaining({ table: 'ClinicalNote', lineageId: note.lineageId, version: 1 })]);
  });
});
