/**
 * On Citus, a clinic's daily work runs on one shard (docs/decisions/0012): every statement the app sends for opening
 * a chart, searching patients and masters, saving and 確定ing a note, and the audit insert is a router query —
 * EXPLAIN shows `Task Count: 1` for each Citus scan in it. The statements are the ones the services really send
 * (recorded on the app's own connection), explained with their own parameters.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { loadPatientForPage } from '@/lib/web/load-patient-page';
import { searchPatients } from '@/lib/records/patients/patient.service';
import { listDiagnosesForPatient } from '@/lib/records/diagnoses/diagnosis.service';
import { listAllergiesForPatient } from '@/lib/records/allergies/allergy.service';
import { getPrescriptionPanel } from '@/lib/records/prescriptions/prescription.service';
import { listLatestLabs } from '@/lib/records/lab-results/lab-result.service';
import { confirmNote, createNote, listNotesPage, updateNote } from '@/lib/records/notes/note.service';
import { createNoteSchema, updateNoteSchema } from '@/lib/records/notes/note.schema';
import { searchDiseases, searchDrugs, searchAllergens } from '@/lib/masters/master-search.repository';
import { checkIn, listQueue } from '@/lib/reception/visit.service';
import { clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { explainTaskCounts, isCitus, isDataStatement, recordStatements } from '@/tests/helpers/citus';

let doctor: Actor;
let receptionist: Actor;
let patientId: string;

const soap = (plan: string) => ({ patientId, subjective: '咳', objective: '', assessment: '', plan });

/** What the chart page and its panels read (app/(clinic)/patients/[patientId]/page.tsx). */
async function openChart() {
  await loadPatientForPage(patientId, doctor, 'chart');
  await listDiagnosesForPatient(patientId, doctor);
  await listAllergiesForPatient(patientId, doctor);
  await listAllergiesForPatient(patientId, doctor, 'banner');
  await getPrescriptionPanel(patientId, doctor);
  await listLatestLabs(patientId, doctor);
  await listNotesPage(patientId, doctor);
}

type Work = { name: string; prepare?: () => Promise<string>; work: (prepared: string) => Promise<unknown>; sends: RegExp };

const DAILY_WORK: Work[] = [
  { name: 'opening a chart', work: openChart, sends: /"ClinicalNote"/ },
  { name: 'patient search by kana', work: () => searchPatients({ q: 'ヤマ', limit: 30 }, receptionist), sends: /"kanaSearch" LIKE/ },
  { name: 'patient search by name', work: () => searchPatients({ q: '山田太', limit: 30 }, receptionist), sends: /"nameSearch" LIKE/ },
  { name: 'patient search by number or phone', work: () => searchPatients({ q: '0312', limit: 30 }, receptionist), sends: /"phoneDigits"/ },
  {
    name: 'master search (diseases, drugs, allergens)',
    work: async () => {
      await searchDiseases('こうけつあつ');
      await searchDrugs('アムロ');
      await searchAllergens('卵');
    },
    sends: /"DiseaseMaster"/,
  },
  {
    name: 'check-in and the reception queue',
    work: async () => {
      await checkIn({ patientId }, receptionist);
      await listQueue(receptionist);
    },
    sends: /INSERT INTO "public"\."Visit"/,
  },
  {
    name: 'saving a note (new, then edited)',
    work: async () => {
      const note = await createNote(createNoteSchema.parse(soap('経過観察')), doctor);
      const { patientId: _, ...content } = soap('3日後再診');
      await updateNote(updateNoteSchema.parse({ ...content, noteId: note.id }), doctor);
    },
    sends: /UPDATE "public"\."ClinicalNote"/,
  },
  {
    name: '確定 of a note',
    prepare: async () => (await createNote(createNoteSchema.parse(soap('確定する')), doctor)).id,
    work: (noteId) => confirmNote({ noteId }, doctor),
    sends: /"contentHash"/,
  },
  {
    name: 'the audit insert',
    work: () => recordAuditEventNow({ clinicId: doctor.clinicId, actor: doctor, action: 'read', resourceType: 'patient', resourceId: patientId, patientId, ctx: doctor.ctx }),
    sends: /INSERT INTO "public"\."AuditEvent"/,
  },
];

describe.runIf(await isCitus())('a clinic\'s daily work is router queries on Citus (one shard each)', () => {
  beforeAll(async () => {
    const staff = await clinicWithStaff();
    doctor = staff.doctor;
    receptionist = staff.receptionist;
    patientId = (await createPatient(receptionist)).id;
  });

  it.each(DAILY_WORK)('$name', async ({ prepare, work, sends }) => {
    const prepared = prepare ? await prepare() : '';
    const statements = (await recordStatements(() => work(prepared))).filter(isDataStatement);
    expect(statements.some((s) => sends.test(s.text)), `no statement matches ${sends}`).toBe(true);
    const problems: string[] = [];
    let routed = 0;
    for (const { statement, plan, taskCounts } of await explainTaskCounts(statements)) {
      if (taskCounts.some((n) => n !== 1)) problems.push(`Task Count ${taskCounts.join('/')}: ${statement.text}\n${plan}`);
      if (taskCounts.length > 0) routed++;
    }
    expect(problems).toEqual([]);
    // the work did reach the cluster (a statement without a Citus scan, like the advisory lock, runs on the coordinator)
    expect(routed).toBeGreaterThan(0);
  });

  it('a query without the clinic fans out to every shard (so the check above can fail)', async () => {
    const [explained] = await explainTaskCounts([{ text: 'SELECT count(*) FROM "Patient" WHERE "deletedAt" IS NULL', values: [] }]);
    const taskCounts = explained?.taskCounts;
    expect(taskCounts).toEqual([expect.any(Number)]);
    expect(taskCounts?.[0]).toBeGreaterThan(1);
  });
});
