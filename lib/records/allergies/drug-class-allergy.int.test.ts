import { beforeAll, describe, expect, it } from 'vitest';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { recordAllergy, searchDrugClassMaster } from './allergy.service';
import { savePrescription } from '@/lib/records/prescriptions/prescription.service';
import { SafetyCheckError } from '@/lib/records/prescriptions/safety-check';
import type { PrescriptionItemInput } from '@/lib/records/prescriptions/prescription.schema';

// demo drug master: サワシリン錠２５０ (アモキシシリン, YJ 6131001F2026), フロモックス錠１００ｍｇ (セフェム, 6132016F2020)
const SAWACILLIN = '616130132';
const FLOMOX = '610411058';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;

beforeAll(async () => {
  await loadDemoMasters();
  a = await clinicWithStaff();
});

const item = (receiptCode: string): PrescriptionItemInput => ({
  rpNumber: 1, kind: 'internal', receiptCode, prescribeByGeneric: false, drugName: '', dose: 3, doseUnit: '錠', doseBasis: 'per_day',
  usageText: '1日3回毎食後', days: 5, genericSubstitutionAllowed: true,
});

describe('class allergies (薬効分類)', () => {
  it('finds the class by name in the allergy search', async () => {
    const hits = await searchDrugClassMaster({ q: 'ぺにしりん', limit: 20 }, a.doctor);
    expect(hits).toContainEqual({ code: '6131', name: 'ペニシリン系抗生物質製剤；合成ペニシリン' });
  });

  it('a ペニシリン系 allergy blocks アモキシシリン at order time, not a セフェム', async () => {
    const patient = await createPatient(a.receptionist);
    const allergy = await recordAllergy({ patientId: patient.id, category: 'medication', drugClassCode: '6131', reaction: '発疹', severity: 'severe' }, a.doctor);
    expect(allergy).toMatchObject({ codeSystem: 'yj-class', code: '6131', substanceName: 'ペニシリン系抗生物質製剤；合成ペニシリン' });

    const blocked = await savePrescription({ patientId: patient.id, intent: 'confirm', outOfHouse: true, note: '', items: [item(SAWACILLIN)] }, a.doctor).catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(SafetyCheckError);
    expect((blocked as SafetyCheckError).report.allergyConflicts).toEqual([expect.objectContaining({ matchType: 'same_class', allergyLineageId: allergy.lineageId, yjCode: '6131001F2026' })]);

    const cephem = await savePrescription({ patientId: patient.id, intent: 'confirm', outOfHouse: true, note: '', items: [item(FLOMOX)] }, a.doctor);
    expect(cephem.status).toBe('final');
  });

  it('refuses a class code that is not in the classification', async () => {
    const patient = await createPatient(a.receptionist);
    await expect(recordAllergy({ patientId: patient.id, category: 'medication', drugClassCode: '6130' }, a.doctor)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
