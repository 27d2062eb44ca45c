/**
 * Patients registered at the ORCA counter, over real HTTP against the sandbox ORCA and a real database: listed until the
 * EHR has them, with the EHR patients that could be the same person; brought in as a new EHR patient or linked to an
 * existing one, once, audited, and never across clinics.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { auditEventsFor, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import type { OrcaClient } from './orca-client';
import { orcaLinkRepository } from './orca-link.repository';
import { importOrcaPatient, listOrcaRegisteredPatients } from './orca-patients.service';
import { startOrcaHarness, type OrcaHarness } from '@/tests/helpers/orca-sandbox';

let orca: OrcaHarness;
let link: OrcaClient;
let staff: Awaited<ReturnType<typeof clinicWithStaff>>;

const control = (action: string, body: unknown = {}) => orca.control(action, body);
/** ORCA's 医事 staff register a patient at the counter; ORCA numbers them */
const registerAtOrcaCounter = async (p: { name: string; kana: string; birthDate: string; sex: '1' | '2' }) =>
  String((await control('patients', { patientId: '*', ...p, insurances: [{ providerClass: '009', providerName: '協会', providerNumber: '01130012', rate: 0.3 }] })).patientId);
const rejection = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);
const deps = () => ({ link });

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

describe('patients registered at the ORCA counter', () => {
  it('are listed until brought in; 取込 registers them in the EHR from ORCA\'s data, linked, audited, once', async () => {
    const orcaId = await registerAtOrcaCounter({ name: '窓口　登録子', kana: 'マドグチ　トウロクコ', birthDate: '1990-04-01', sex: '2' });
    const listed = await listOrcaRegisteredPatients(staff.receptionist, deps());
    if (listed.state !== 'ok') throw new Error(listed.state);
    const row = listed.rows.find((r) => r.orcaPatientId === orcaId);
    expect(row).toMatchObject({ name: '窓口　登録子', birthDate: '1990-04-01', sex: 'female', importable: true, matches: [] });
    const [read] = await auditEventsFor(staff.clinic.id, { resourceType: 'orca_patient', action: 'read' });
    expect((read!.detail as { orcaPatientIds: string[] }).orcaPatientIds).toContain(orcaId);

    const { patientId, created } = await importOrcaPatient({ orcaPatientId: orcaId }, staff.receptionist, deps());
    expect(created).toBe(true);
    const patient = await db().patient.findUnique({ where: { clinicId_id: { clinicId: staff.clinic.id, id: patientId } } });
    expect(patient).toMatchObject({ familyName: '窓口', givenName: '登録子', familyNameKana: 'マドグチ', givenNameKana: 'トウロクコ', sex: 'female' });
    expect(patient!.birthDate.toISOString().slice(0, 10)).toBe('1990-04-01');
    expect(await orcaLinkRepository.patientLink(db(), staff.clinic.id, patientId)).toMatchObject({ orcaPatientId: orcaId, state: 'linked', insuranceCombinations: [expect.objectContaining({ providerName: '協会' })] });
    expect(await auditEventsFor(staff.clinic.id, { resourceType: 'patient', action: 'create', patientId })).toHaveLength(1);
    expect(await auditEventsFor(staff.clinic.id, { resourceType: 'orca_patient', action: 'create', patientId })).toHaveLength(1);

    const after = await listOrcaRegisteredPatients(staff.receptionist, deps());
    expect(after.state === 'ok' && after.rows.some((r) => r.orcaPatientId === orcaId)).toBe(false);
    expect(await rejection(importOrcaPatient({ orcaPatientId: orcaId }, staff.receptionist, deps()))).toMatchObject({ code: 'CONFLICT' });
    expect(await db().patient.count({ where: { clinicId: staff.clinic.id, familyName: '窓口' } })).toBe(1);
  });

  it('offers the EHR patient with the same name and birth date, and links to it instead of registering twice', async () => {
    const existing = await createPatient(staff.receptionist, { familyName: '既存', givenName: '花', familyNameKana: 'キゾン', givenNameKana: 'ハナ', sex: 'female', birthDate: '1975-07-07' });
    const orcaId = await registerAtOrcaCounter({ name: '既存　花', kana: 'キゾン　ハナ', birthDate: '1975-07-07', sex: '2' });
    const other = await createPatient(staff.receptionist, { familyName: '別人', givenName: '花', familyNameKana: 'ベツジン', givenNameKana: 'ハナ', sex: 'female', birthDate: '1975-07-08' });
    const listed = await listOrcaRegisteredPatients(staff.receptionist, deps());
    if (listed.state !== 'ok') throw new Error(listed.state);
    expect(listed.rows.find((r) => r.orcaPatientId === orcaId)?.matches).toEqual([expect.objectContaining({ id: existing.id, linkedToOtherOrcaPatient: false })]);

    // a different birth date is refused: the receptionist picked the wrong person
    expect(await rejection(importOrcaPatient({ orcaPatientId: orcaId, patientId: other.id }, staff.receptionist, deps()))).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('生年月日') });
    // another clinic can neither link its own patient to this clinic's ORCA patient list nor reach this clinic's patient
    const elsewhere = await clinicWithStaff();
    expect(await rejection(importOrcaPatient({ orcaPatientId: orcaId, patientId: existing.id }, elsewhere.receptionist, deps()))).toMatchObject({ code: 'PRECONDITION_FAILED' });
    await orcaLinkRepository.saveSettings(db(), elsewhere.clinic.id, { numberingMaster: 'orca', defaultPhysicianCode: '10001', physicianCodes: {} }, new Date());
    expect(await rejection(importOrcaPatient({ orcaPatientId: orcaId, patientId: existing.id }, elsewhere.receptionist, deps()))).toMatchObject({ code: 'CONFLICT' });
    expect(await orcaLinkRepository.patientLink(db(), staff.clinic.id, existing.id)).toBeNull();

    expect(await importOrcaPatient({ orcaPatientId: orcaId, patientId: existing.id }, staff.receptionist, deps())).toEqual({ patientId: existing.id, created: false });
    expect(await orcaLinkRepository.patientLink(db(), staff.clinic.id, existing.id)).toMatchObject({ orcaPatientId: orcaId, state: 'linked' });
    expect(await db().patient.count({ where: { clinicId: staff.clinic.id, familyName: '既存' } })).toBe(1);
    expect(await auditEventsFor(staff.clinic.id, { resourceType: 'orca_patient', action: 'update', patientId: existing.id })).toHaveLength(1);
  });

  it('says in Japanese when ORCA cannot be reached, lists nothing for a clinic without the link, and refuses a malformed 患者番号', async () => {
    await control('fault', { kind: 'http503' });
    expect(await listOrcaRegisteredPatients(staff.receptionist, deps())).toMatchObject({ state: 'unavailable', message: expect.stringContaining('ORCA') });
    expect(await rejection(importOrcaPatient({ orcaPatientId: '00001' }, staff.receptionist, deps()))).toMatchObject({ code: 'PRECONDITION_FAILED', message: expect.stringContaining('ORCA') });
    await control('clear-faults');
    await db().orcaSettings.delete({ where: { clinicId: staff.clinic.id } });
    expect(await listOrcaRegisteredPatients(staff.receptionist, deps())).toEqual({ state: 'off' });
    expect(await rejection(importOrcaPatient({ orcaPatientId: 'abc' }, staff.receptionist, deps()))).toMatchObject({ code: 'INVALID_INPUT' });
  });
});
