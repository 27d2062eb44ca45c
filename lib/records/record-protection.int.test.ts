/**
 * 真正性 held by the database itself (issue 9 items 10 and 11): what the app role could do behind the application's
 * back with plain SQL is refused by the triggers, each with its own message (never just "some error").
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { createNote, updateNote } from './notes/note.service';
import { createNoteSchema, updateNoteSchema } from './notes/note.schema';
import { savePrescription } from './prescriptions/prescription.service';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
beforeAll(async () => {
  await loadDemoMasters();
  a = await clinicWithStaff();
});

describe('record triggers', () => {
  it('a 代行入力 awaiting approval cannot be rewritten in place (only approved or superseded)', async () => {
    const p = await createPatient(a.receptionist);
    const pending = await createNote(createNoteSchema.parse({ patientId: p.id, subjective: '咽頭痛', authorId: a.doctor.userId }), a.nurse);
    expect(pending.status).toBe('pending_approval');
    await expect(db().clinicalNote.updateMany({ where: { clinicId: a.clinic.id, id: pending.id }, data: { subjective: '書き換え' } })).rejects.toThrow(
      /is awaiting approval \(代行入力\) and cannot be modified/,
    );
    await expect(db().clinicalNote.updateMany({ where: { clinicId: a.clinic.id, id: pending.id }, data: { status: 'draft' } })).rejects.toThrow(/is awaiting approval/);
    // the application's own path still works: the nurse's correction is a new version
    const v2 = await updateNote(updateNoteSchema.parse({ noteId: pending.id, subjective: '咽頭痛 3日前から' }), a.nurse);
    expect(v2).toMatchObject({ version: 2, status: 'pending_approval' });
  });

  it('a superseded version never becomes the latest again', async () => {
    const p = await createPatient(a.receptionist);
    const v1 = await createNote(createNoteSchema.parse({ patientId: p.id, subjective: 'a', authorId: a.doctor.userId }), a.nurse);
    await updateNote(updateNoteSchema.parse({ noteId: v1.id, subjective: 'b' }), a.nurse);
    await expect(db().clinicalNote.updateMany({ where: { clinicId: a.clinic.id, id: v1.id }, data: { isLatest: true } })).rejects.toThrow(
      /was superseded and cannot become the latest version again/,
    );
  });

  it('no item can be added to a 確定 prescription; its own items were written with it', async () => {
    const p = await createPatient(a.receptionist);
    const final = await savePrescription(
      {
        patientId: p.id,
        intent: 'confirm',
        outOfHouse: true,
        duplicateAcknowledged: false,
        items: [
          { rpNumber: 1, kind: 'internal', receiptCode: '620452801', prescribeByGeneric: false, drugName: '', dose: 3, doseUnit: '錠', doseBasis: 'per_day', usageCode: '1013044400000000', usageText: '', days: 7, genericSubstitutionAllowed: true },
        ],
      },
      a.doctor,
    );
    expect(final.status).toBe('final');
    const item = (await db().prescriptionItem.findFirstOrThrow({ where: { clinicId: a.clinic.id, prescriptionId: final.id } }))!;
    const { id: _id, ...copy } = item;
    await expect(db().prescriptionItem.create({ data: { ...copy, drugName: '追加された薬' } })).rejects.toThrow(/cannot change after it left draft/);
  });
});
