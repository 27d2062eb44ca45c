/** 代行入力's default approver (issue 13): the doctor of the patient's open visit today, for notes and prescriptions alike. */
import { beforeAll, describe, expect, it } from 'vitest';
import { clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { errorCode } from '@/tests/helpers/error-code';
import { checkIn, visitDoctorToday } from './visit.service';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;
beforeAll(async () => {
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
});

describe('visitDoctorToday', () => {
  it("is the doctor reception named for today's open visit; none without a visit or a doctor; another clinic sees none", async () => {
    const withDoctor = await createPatient(a.receptionist);
    const withoutDoctor = await createPatient(a.receptionist);
    const noVisit = await createPatient(a.receptionist);
    await checkIn({ patientId: withDoctor.id, doctorId: a.doctor.userId }, a.receptionist);
    await checkIn({ patientId: withoutDoctor.id }, a.receptionist);
    expect(await visitDoctorToday(withDoctor.id, a.nurse)).toBe(a.doctor.userId);
    expect(await visitDoctorToday(withoutDoctor.id, a.nurse)).toBeNull();
    expect(await visitDoctorToday(noVisit.id, a.nurse)).toBeNull();
    expect(await visitDoctorToday(withDoctor.id, b.nurse)).toBeNull();
    expect(await errorCode(visitDoctorToday(withDoctor.id, a.admin))).toBe('FORBIDDEN');
  });
});
