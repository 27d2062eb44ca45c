import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { changeVisitStatus, checkIn, listDoctorsForReception, listQueue, openVisitToday, recheckEligibility } from './visit.service';
import { createNote } from '@/lib/records/notes/note.service';
import { recordDiagnosis } from '@/lib/records/diagnoses/diagnosis.service';
import { recordLabResults } from '@/lib/records/lab-results/lab-result.service';
import { labEntrySchema } from '@/lib/records/lab-results/lab-entry.schema';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { actorFor, createStaffUser } from '@/tests/helpers/factories';
import { HttpEligibilityService } from '@/lib/eligibility/adapters/http-eligibility';
import { sandboxAnswer } from '@/lib/eligibility/adapters/sandbox-eligibility';
import type { EligibilityQuery } from '@/lib/eligibility/eligibility-service';
import { auditEventsFor, clinicWithStaff, createPatient } from '@/tests/helpers/factories';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;
beforeAll(async () => {
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
});

const code = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return (e as AppError).code;
  }
  return 'OK';
};

describe('check-in', () => {
  it('numbers visits per day, stores the insurance check, and refuses a second active visit', async () => {
    const p1 = await createPatient(a.receptionist);
    const p2 = await createPatient(a.receptionist, { insurance: { insurerNumber: '06131239', number: '123', relationship: 'self', validUntil: '2020-03-31' } });
    const v1 = await checkIn({ patientId: p1.id }, a.receptionist);
    const v2 = await checkIn({ patientId: p2.id }, a.receptionist);
    expect(v2.receptionNumber).toBe(v1.receptionNumber + 1);
    expect(v1.eligibility?.result).toBe('valid');
    expect(v2.eligibility?.result).toBe('expired');
    expect(await code(checkIn({ patientId: p1.id }, a.receptionist))).toBe('CONFLICT');
    const queue = (await listQueue(a.receptionist)).entries;
    expect(queue.map((q) => q.patient.id)).toEqual(expect.arrayContaining([p1.id, p2.id]));
    expect(queue.find((q) => q.visitId === v2.visitId)?.eligibility).toBe('expired');
    expect((await auditEventsFor(a.clinic.id, { action: 'create', resourceType: 'visit' })).length).toBeGreaterThanOrEqual(2);
    expect(await openVisitToday(p1.id, a.doctor)).toMatchObject({ id: v1.visitId, visitType: 'outpatient' });
  });

  it('checks in even when the insurance service is down, and can re-check later', async () => {
    const p = await createPatient(a.receptionist, { insurance: { insurerNumber: '99999999', number: '1', relationship: 'self' } });
    const v = await checkIn({ patientId: p.id }, a.receptionist);
    expect(v.eligibility?.result).toBe('unavailable');
    await db().patientInsurance.updateMany({ where: { clinicId: a.clinic.id, patientId: p.id }, data: { insurerNumber: '01130012' } });
    expect((await recheckEligibility({ visitId: v.visitId }, a.receptionist))?.result).toBe('valid');
  });

  it('moves through the day in order and refuses impossible jumps or stale terminals', async () => {
    const p = await createPatient(a.receptionist);
    const { visitId } = await checkIn({ patientId: p.id }, a.receptionist);
    await changeVisitStatus({ visitId, status: 'waiting' }, a.receptionist);
    await changeVisitStatus({ visitId, status: 'in_consultation' }, a.doctor);
    expect(await code(changeVisitStatus({ visitId, status: 'received' }, a.receptionist))).toBe('PRECONDITION_FAILED');
    await changeVisitStatus({ visitId, status: 'billing' }, a.doctor);
    await changeVisitStatus({ visitId, status: 'done' }, a.receptionist);
    const history = await db().visitStatusChange.findMany({ where: { clinicId: a.clinic.id, visitId }, orderBy: { changedAt: 'asc' } });
    expect(history.map((h) => h.toStatus)).toEqual(['received', 'waiting', 'in_consultation', 'billing', 'done']);
  });

  it("never touches another clinic's patients or visits", async () => {
    const pB = await createPatient(b.receptionist);
    expect(await code(checkIn({ patientId: pB.id }, a.receptionist))).toBe('NOT_FOUND');
    const vB = await checkIn({ patientId: pB.id }, b.receptionist);
    expect(await code(changeVisitStatus({ visitId: vB.visitId, status: 'waiting' }, a.receptionist))).toBe('NOT_FOUND');
    expect(await code(recheckEligibility({ visitId: vB.visitId }, a.receptionist))).toBe('NOT_FOUND');
    expect((await listQueue(a.receptionist)).entries.map((q) => q.visitId)).not.toContain(vB.visitId);
    expect((await db().visit.findFirst({ where: { id: vB.visitId } }))?.status).toBe('received');
  });

  it('lets clinic admins see but not change the queue', async () => {
    expect(await code(checkIn({ patientId: (await createPatient(a.receptionist)).id }, a.admin))).toBe('FORBIDDEN');
  });
});

describe("the visit's doctor (Visit.doctorId)", () => {
  const soap = { subjective: '頭痛', objective: '', assessment: '', plan: '', heightCm: null, weightKg: null, systolicBp: null, diastolicBp: null, pulse: null, bodyTempC: null, spo2: null };
  const doctorOf = async (visitId: string) => (await db().visit.findUniqueOrThrow({ where: { clinicId_id: { clinicId: a.clinic.id, id: visitId } } })).doctorId;

  it('is the doctor reception names at check-in (an active doctor of the clinic), and a later writer does not replace it', async () => {
    await loadDemoMasters();
    expect((await listDoctorsForReception(a.receptionist)).map((d) => d.id)).toContain(a.doctor.userId);
    expect(await code(listDoctorsForReception(a.nurse))).toBe('OK');
    expect(await code(listDoctorsForReception(a.admin))).toBe('FORBIDDEN');
    const p = await createPatient(a.receptionist);
    expect(await code(checkIn({ patientId: p.id, doctorId: b.doctor.userId }, a.receptionist))).toBe('INVALID_INPUT');
    expect(await code(checkIn({ patientId: p.id, doctorId: a.nurse.userId }, a.receptionist))).toBe('INVALID_INPUT');
    const { visitId } = await checkIn({ patientId: p.id, doctorId: a.doctor.userId }, a.receptionist);
    expect(await doctorOf(visitId)).toBe(a.doctor.userId);
    const [event] = await auditEventsFor(a.clinic.id, { resourceType: 'visit', resourceId: visitId, action: 'create' });
    expect(event!.detail).toMatchObject({ doctorId: a.doctor.userId });
    const other = actorFor(await createStaffUser(a.clinic.id, 'doctor'));
    await recordDiagnosis({ patientId: p.id, diseaseCode: '8833421', startDate: '2025-02-01' }, other);
    expect(await doctorOf(visitId)).toBe(a.doctor.userId);
  });

  it('else is the first doctor who writes in the chart for the visit: the writer, or the doctor a 代行入力 names', async () => {
    const p = await createPatient(a.receptionist);
    const { visitId } = await checkIn({ patientId: p.id }, a.receptionist);
    expect(await doctorOf(visitId)).toBeNull();
    const other = actorFor(await createStaffUser(a.clinic.id, 'doctor'));
    // a nurse's 代行入力 for a doctor: that doctor
    const note = await createNote({ patientId: p.id, ...soap, authorId: other.userId }, a.nurse);
    expect(note.visitId).toBe(visitId);
    expect(await doctorOf(visitId)).toBe(other.userId);
    const [event] = await auditEventsFor(a.clinic.id, { resourceType: 'clinical_note', resourceId: note.id });
    expect(event!.detail).toMatchObject({ visitDoctorId: other.userId });
    // the next doctor to write does not replace the first
    await createNote({ patientId: p.id, ...soap }, a.doctor);
    expect(await doctorOf(visitId)).toBe(other.userId);

    const p2 = await createPatient(a.receptionist);
    const v2 = await checkIn({ patientId: p2.id }, a.receptionist);
    const [lab] = await recordLabResults(labEntrySchema.parse({ patientId: p2.id, collectedAt: '2025-04-01T09:30', specimen: '血清', items: [{ itemKey: 'AST', value: '30' }] }), a.nurse);
    expect((await db().labResult.findFirstOrThrow({ where: { clinicId: a.clinic.id, id: lab!.id } })).visitId).toBe(v2.visitId);
    expect(await doctorOf(v2.visitId)).toBeNull(); // a nurse writing for herself names no doctor
    await createNote({ patientId: p2.id, ...soap }, a.doctor);
    expect(await doctorOf(v2.visitId)).toBe(a.doctor.userId);
  });
});

describe('オンライン資格確認 adapters', () => {
  let server: http.Server;
  let baseUrl: string;
  let mode: 'sandbox' | 'down' | 'garbage' = 'sandbox';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (mode === 'down') {
          res.writeHead(503).end();
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(mode === 'garbage' ? '{"result":"maybe"}' : JSON.stringify(sandboxAnswer(JSON.parse(body) as EligibilityQuery)));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const q: EligibilityQuery = { insurerNumber: '06131239', symbol: '1', number: '2', branch: '00', birthDate: '1950-01-01', onDate: '2026-11-27' };

  it('talks to the service over real HTTP and maps its answers', async () => {
    const service = new HttpEligibilityService({ baseUrl });
    mode = 'sandbox';
    expect(await service.check(q)).toMatchObject({ result: 'valid', copaymentRate: 10 });
    expect((await service.check({ ...q, insurerNumber: '91000000' })).result).toBe('unknown');
    mode = 'down';
    expect((await service.check(q)).result).toBe('unavailable');
    mode = 'garbage';
    expect((await service.check(q)).result).toBe('unavailable');
    expect((await new HttpEligibilityService({ baseUrl: 'http://127.0.0.1:9/' }).check(q)).result).toBe('unavailable');
  });
});
