/**
 * Changes made in ORCA to linked patients, over real HTTP against the sandbox ORCA with a real database (issue 15):
 * ORCA's staff change a patient's 氏名, カナ, 住所 or 保険; reception sees the differences and applies them as a new version
 * of the EHR patient (revision, audit), never silently; ORCA down, a stale screen and an unsplittable name are refused.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { auditEventsFor, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import type { OrcaClient } from './orca-client';
import { orcaLinkRepository } from './orca-link.repository';
import { applyOrcaPatientChange, listOrcaPatientChanges } from './orca-patient-changes.service';
import { ensureOrcaPatient } from './orca-sync.service';
import { startOrcaHarness, type OrcaHarness } from '@/tests/helpers/orca-sandbox';

let orca: OrcaHarness;
let link: OrcaClient;
let staff: Awaited<ReturnType<typeof clinicWithStaff>>;

const control = (action: string, body: unknown = {}) => orca.control(action, body);
let n = 0;
async function linkedPatient() {
  const p = await createPatient(staff.receptionist, { givenName: `変更${++n}`, givenNameKana: `ヘンコウ${'ア'.repeat(n)}`, postalCode: '100-0001', address: '東京都千代田区千代田1-1' });
  const r = await ensureOrcaPatient(staff.clinic.id, p.id, { link });
  return { patient: p, orcaId: r.orcaPatientId! };
}
const rowsOf = async () => {
  const view = await listOrcaPatientChanges(staff.receptionist, { link });
  if (view.state !== 'ok') throw new Error(view.state);
  return view.rows;
};

beforeAll(async () => {
  orca = await startOrcaHarness();
  link = orca.link;
});
afterAll(() => orca.close());
beforeEach(async () => {
  await control('reset');
  staff = await clinicWithStaff();
  await orcaLinkRepository.saveSettings(db(), staff.clinic.id, { numberingMaster: 'orca', defaultPhysicianCode: '10001', physicianCodes: {} }, new Date());
});

describe('changes made in ORCA to a linked patient', () => {
  it('are shown as differences and applied on confirmation as a new version of the EHR patient, audited', async () => {
    const { patient, orcaId } = await linkedPatient();
    const untouched = await linkedPatient();
    // registered in ORCA with the EHR's own data: nothing differs
    expect(await rowsOf()).toEqual([]);

    await control('change-patient', { patientId: orcaId, name: '新姓　花子', kana: 'シンセイ　ハナコ', zipCode: '1500001', address: '東京都渋谷区神宮前1-2-3' });
    const rows = await rowsOf();
    expect(rows.map((r) => r.patientId)).toEqual([patient.id]);
    expect(rows[0]!.differences.map((d) => d.field)).toEqual(['name', 'kana', 'address']);
    expect(rows[0]!.differences[0]).toMatchObject({ ehr: `${patient.familyName} ${patient.givenName}`, orca: '新姓　花子' });
    expect(rows[0]!.differences[2]!.orca).toBe('〒150-0001 東京都渋谷区神宮前1-2-3');
    expect((await auditEventsFor(staff.clinic.id, { resourceType: 'orca_patient', action: 'read' })).length).toBe(2);
    // listing changes nothing in the EHR
    const before = await db().patient.findUnique({ where: { clinicId_id: { clinicId: staff.clinic.id, id: patient.id } } });
    expect(before).toMatchObject({ familyName: patient.familyName, version: rows[0]!.version });

    expect(await applyOrcaPatientChange({ patientId: patient.id, expectedVersion: rows[0]!.version }, staff.receptionist, { link })).toEqual({ applied: ['name', 'kana', 'address'] });
    const after = await db().patient.findUnique({ where: { clinicId_id: { clinicId: staff.clinic.id, id: patient.id } } });
    expect(after).toMatchObject({ familyName: '新姓', givenName: '花子', familyNameKana: 'シンセイ', givenNameKana: 'ハナコ', postalCode: '150-0001', address: '東京都渋谷区神宮前1-2-3', version: before!.version + 1 });
    const revision = await db().patientRevision.findFirst({ where: { clinicId: staff.clinic.id, patientId: patient.id }, orderBy: { version: 'desc' } });
    expect(revision).toMatchObject({ version: before!.version + 1, reason: 'ORCAでの変更を反映' });
    const audit = await auditEventsFor(staff.clinic.id, { resourceType: 'patient', action: 'update', patientId: patient.id });
    expect(audit.at(-1)?.detail).toMatchObject({ source: 'orca', orcaPatientId: orcaId, changedFields: ['familyName', 'givenName', 'familyNameKana', 'givenNameKana', 'postalCode', 'address'] });
    expect(await rowsOf()).toEqual([]);
    expect((await db().patient.findUnique({ where: { clinicId_id: { clinicId: staff.clinic.id, id: untouched.patient.id } } }))?.version).toBe(1);
  });

  it('a new 保険 in ORCA replaces the 保険組合せ on the link; ORCA down, a stale screen and a name without 氏/名 are refused', async () => {
    const { patient, orcaId } = await linkedPatient();
    await control('change-patient', { patientId: orcaId, insurances: [{ providerClass: '039', providerName: '後期高齢者', providerNumber: '39131014', rate: 0.1 }] });
    const [row] = await rowsOf();
    expect(row!.differences).toEqual([expect.objectContaining({ field: 'insurance', orca: '0001 後期高齢者（10%）' })]);

    await control('fault', { path: '/api01rv2/patientlst1v2', kind: 'http503' });
    expect((await listOrcaPatientChanges(staff.receptionist, { link })).state).toBe('unavailable');
    await control('clear-faults');

    await expect(applyOrcaPatientChange({ patientId: patient.id, expectedVersion: row!.version + 1 }, staff.receptionist, { link })).rejects.toThrow('先に更新しました');
    expect(await applyOrcaPatientChange({ patientId: patient.id, expectedVersion: row!.version }, staff.receptionist, { link })).toEqual({ applied: ['insurance'] });
    expect((await orcaLinkRepository.patientLink(db(), staff.clinic.id, patient.id))?.insuranceCombinations).toMatchObject([{ combinationNumber: '0001', providerClass: '039' }]);
    // 保険 only: the EHR patient keeps its version
    expect((await db().patient.findUnique({ where: { clinicId_id: { clinicId: staff.clinic.id, id: patient.id } } }))?.version).toBe(row!.version);
    expect(await rowsOf()).toEqual([]);

    await control('change-patient', { patientId: orcaId, name: '区切無名前' });
    const [unsplit] = await rowsOf();
    await expect(applyOrcaPatientChange({ patientId: patient.id, expectedVersion: unsplit!.version }, staff.receptionist, { link })).rejects.toThrow('氏と名の区切りがない');
  });
});
