import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { checkDrugOnAdd } from './drug-check.service';
import { savePrescription } from './prescription.service';

// demo master: ロキソニン錠６０ｍｇ and ノルバスク錠５ｍｇ
const LOXONIN = { receiptCode: '620098801', yj: '1149019F1560' };
const NORVASC = '612170710';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;

beforeAll(async () => {
  await loadDemoMasters();
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
});

describe('checkDrugOnAdd (the moment a drug is added)', () => {
  it('warns about a recorded allergy to the drug before anything is saved, and audits the read', async () => {
    const patient = await createPatient(a.receptionist);
    await db().allergy.create({
      data: {
        clinicId: a.clinic.id, lineageId: randomUUID(), patientId: patient.id, category: 'medication', codeSystem: 'text',
        substanceName: 'ロキソプロフェン', reaction: '蕁麻疹', severity: 'severe', status: 'final', clinicalStatus: 'active', recordedById: a.doctor.userId,
      },
    });
    const since = await auditMark(a.clinic.id);
    const r = await checkDrugOnAdd({ patientId: patient.id, receiptCode: LOXONIN.receiptCode }, a.doctor);
    expect(r.allergyConflicts).toEqual([expect.objectContaining({ substanceName: 'ロキソプロフェン', severity: 'severe', reaction: '蕁麻疹', matchType: 'same_ingredient_name' })]);
    expect((await checkDrugOnAdd({ patientId: patient.id, receiptCode: NORVASC }, a.doctor)).allergyConflicts).toEqual([]);
    const reads = await auditEventsFor(a.clinic.id, { action: 'read', patientId: patient.id }, since);
    expect(reads.filter((e) => e.resourceType === 'allergy')).toHaveLength(2);
    // another clinic learns nothing about this patient
    expect((await checkDrugOnAdd({ patientId: patient.id, receiptCode: LOXONIN.receiptCode }, b.doctor)).allergyConflicts).toEqual([]);
  });

  it("starts from the clinic's last use of the drug, never an invented dose", async () => {
    const clinic = await clinicWithStaff();
    const patient = await createPatient(clinic.receptionist);
    expect((await checkDrugOnAdd({ patientId: patient.id, receiptCode: NORVASC }, clinic.doctor)).lastUse).toBeNull();
    await savePrescription({
      patientId: patient.id, intent: 'confirm', outOfHouse: true, note: '',
      items: [{ rpNumber: 1, kind: 'internal', receiptCode: NORVASC, prescribeByGeneric: false, drugName: '', dose: 1, doseUnit: '錠', doseBasis: 'per_day', usageText: '1日1回朝食後', days: 28, genericSubstitutionAllowed: true }],
    }, clinic.doctor);
    const r = await checkDrugOnAdd({ patientId: patient.id, receiptCode: NORVASC }, clinic.doctor);
    expect(r.lastUse).toEqual({ kind: 'internal', dose: 1, doseUnit: '錠', doseBasis: 'per_day', usageCode: undefined, usageText: '1日1回朝食後', days: 28, times: undefined });
    // another clinic's habits are not this clinic's
    const other = await createPatient(b.receptionist);
    expect((await checkDrugOnAdd({ patientId: other.id, receiptCode: NORVASC }, b.doctor)).lastUse).toBeNull();
  });
});
