/**
 * SECURITY.md C1: a read of patient data that cannot be logged returns nothing. The chart page's reads run with the
 * app's own client connected as a role that may read every table but not insert into AuditEvent (a real privilege
 * failure, no mock); the same calls as karte_app succeed, so the audit insert is the only difference.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import type { Actor } from '@/lib/auth/actor';
import { loadPatientForPage } from '@/lib/web/load-patient-page';
import { listDiagnosesForPatient } from '@/lib/records/diagnoses/diagnosis.service';
import { listAllergiesForPatient } from '@/lib/records/allergies/allergy.service';
import { getPrescriptionPanel } from '@/lib/records/prescriptions/prescription.service';
import { listLatestLabs } from '@/lib/records/lab-results/lab-result.service';
import { createNote, listNotesPage } from '@/lib/records/notes/note.service';
import { createNoteSchema } from '@/lib/records/notes/note.schema';
import { clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { ensureAppRole, ensureRoleWithoutAuditInsert, withAppClientAs } from '@/tests/helpers/db-role';

const MARKER = `ZZ-LEAK-${randomUUID()}`;
let doctor: Actor;
let patientId: string;
let noAuditInsert: string;
let appRole: string;

/** What the chart page (app/(clinic)/patients/[patientId]/page.tsx and its panels) reads. */
const chartReads = (): [string, () => Promise<unknown>][] => [
  ['patient', () => loadPatientForPage(patientId, doctor, 'chart')],
  ['diagnoses', () => listDiagnosesForPatient(patientId, doctor)],
  ['allergies', () => listAllergiesForPatient(patientId, doctor)],
  ['allergy banner', () => listAllergiesForPatient(patientId, doctor, 'banner')],
  ['prescriptions', () => getPrescriptionPanel(patientId, doctor)],
  ['labs', () => listLatestLabs(patientId, doctor)],
  ['notes', () => listNotesPage(patientId, doctor)],
];

const auditCount = () => db().auditEvent.count({ where: { clinicId: doctor.clinicId } });

beforeAll(async () => {
  const staff = await clinicWithStaff();
  doctor = staff.doctor;
  patientId = (await createPatient(doctor)).id;
  noAuditInsert = await ensureRoleWithoutAuditInsert();
  appRole = await ensureAppRole();
  // written through the app as karte_app: the production role can run a write (visit, note, audit) end to end
  await withAppClientAs(appRole, () =>
    createNote(createNoteSchema.parse({ patientId, subjective: MARKER, objective: '所見なし', assessment: '経過観察', plan: '再診' }), doctor),
  );
});

describe('chart reads and the audit insert (C1)', () => {
  it('as karte_app every chart read returns data and writes its audit event', async () => {
    const before = await auditCount();
    const results = await withAppClientAs(appRole, async () => {
      const out: unknown[] = [];
      for (const [, read] of chartReads()) out.push(await read());
      return out;
    });
    expect(JSON.stringify(results)).toContain(MARKER);
    expect(await auditCount()).toBe(before + chartReads().length);
  });

  it('when the audit insert is not permitted, every chart read fails and returns no patient data', async () => {
    const before = await auditCount();
    const outcomes = await withAppClientAs(noAuditInsert, async () => {
      const out: { name: string; value?: unknown; error?: unknown }[] = [];
      for (const [name, read] of chartReads()) {
        try {
          out.push({ name, value: await read() });
        } catch (error) {
          out.push({ name, error });
        }
      }
      return out;
    });
    for (const o of outcomes) {
      expect(o, o.name).not.toHaveProperty('value');
      expect(String((o.error as Error).message), o.name).toMatch(/permission denied for table AuditEvent/);
      expect(String((o.error as Error).message), o.name).not.toContain(MARKER);
    }
    expect(outcomes).toHaveLength(chartReads().length);
    expect(await auditCount()).toBe(before);
  });
});
