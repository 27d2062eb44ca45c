/**
 * 他院の情報 over real HTTP against the sandbox sharing service (issue 10 §6): nothing without a consent in force
 * (recorded, scoped, expiring, withdrawable — all audited), the read with each item's source institution, audited; a
 * malformed bundle or a service outage never breaks it; a doctor's copy goes through the write path with its
 * provenance; another clinic sees none of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { db } from '@/lib/core/db';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { HttpSharingService } from '../adapters/http-sharing-service';
import { listSharingConsents, recordSharingConsent, withdrawSharingConsent } from '../consent/consent.service';
import { otherInstitutionsBundles } from '../sandbox/other-institutions';
import { startSharingSandboxServer, type SandboxSharingServer } from '../sandbox/sandbox-server';
import type { OtherInstitutionsView } from './shared-records.dto';
import { copySharedAllergy, copySharedDiagnosis, loadOtherInstitutionsView } from './shared-records.service';

// a member ID for which the sandbox has two invented institutions with diagnoses, an allergy and labs
const INSURANCE = { insurerNumber: '06131239', symbol: '1234', number: '567892', branch: '00', relationship: 'self' as const };
const MEMBER_ID = '06131239:1234:567892:00';

let sandbox: SandboxSharingServer;
let deps: { service: HttpSharingService };
let staff: Awaited<ReturnType<typeof clinicWithStaff>>;
let doctor: Actor;

beforeAll(async () => {
  await loadDemoMasters();
  sandbox = await startSharingSandboxServer({ port: 0, seedMemberIds: [MEMBER_ID] });
  deps = { service: new HttpSharingService({ baseUrl: sandbox.url, timeoutMs: 2000 }) };
  staff = await clinicWithStaff();
  doctor = staff.doctor;
  await db().department.create({ data: { clinicId: staff.clinic.id, code: '01', name: '内科' } });
});
afterAll(async () => {
  await sandbox.close();
});

const ok = (view: OtherInstitutionsView) => {
  if (view.state !== 'ok') throw new Error(`expected ok, got ${view.state}`);
  return view;
};

describe('reading other institutions\' 6情報', () => {
  it('needs a consent in force; shows each item with its source; audits every read; copies only after review, through the write path', async () => {
    const patient = await createPatient(doctor, { insurance: INSURANCE });
    const mark = await auditMark(staff.clinic.id);

    // no consent: nothing is asked of the service, the read attempt is audited, a copy is refused
    const before = sandbox.store.received;
    expect(await loadOtherInstitutionsView(patient.id, doctor, deps)).toEqual({ state: 'no_consent', latest: null });
    expect(sandbox.store.received).toBe(before);
    await expect(copySharedDiagnosis({ patientId: patient.id, identifier: 'x', index: 1, freeText: '高血圧症' }, doctor, deps)).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });

    // reception records the consent (audited)
    const consent = await recordSharingConsent({ patientId: patient.id, scope: ['labs', 'diagnoses', 'allergies'], source: 'reception' }, staff.receptionist);
    expect(consent).toMatchObject({ scope: ['diagnoses', 'allergies', 'labs'], inForce: true, source: 'reception', recordedByName: 'receptionist テスト' });
    expect(new Date(consent.expiresAt).getTime() - new Date(consent.givenAt).getTime()).toBe(24 * 3600 * 1000);
    expect(await auditEventsFor(staff.clinic.id, { action: 'create', resourceType: 'sharing_consent', resourceId: consent.id })).toHaveLength(1);

    const view = ok(await loadOtherInstitutionsView(patient.id, doctor, deps));
    const expected = otherInstitutionsBundles(MEMBER_ID);
    expect(view.institutions).toBe(2);
    expect(view.records.problems).toEqual([]);
    expect(view.records.diagnoses.length).toBeGreaterThanOrEqual(2);
    expect(view.records.allergies).toHaveLength(1);
    expect(view.records.labs).toHaveLength(3);
    for (const item of [...view.records.diagnoses, ...view.records.allergies, ...view.records.labs]) {
      expect(item.source.institutionName).toContain('架空');
      expect(expected.map((b) => b.identifier)).toContain(item.identifier);
      expect(item.source.registeredAt).toMatch(/^2026-/);
    }
    const reads = await auditEventsFor(staff.clinic.id, { action: 'read', resourceType: 'shared_records', patientId: patient.id }, mark);
    expect(reads.map((r) => [(r.detail as { state: string }).state, r.outcome])).toEqual([['no_consent', 'success'], ['ok', 'success']]);
    expect((reads[1]!.detail as { institutions: string[] }).institutions.sort()).toEqual([...new Set(expected.map((b) => b.institutionNumber))].sort());

    // a nurse may read but not copy
    await expect(copySharedDiagnosis({ patientId: patient.id, identifier: view.records.diagnoses[0]!.identifier, index: view.records.diagnoses[0]!.index, freeText: 'x' }, staff.nurse, deps)).rejects.toMatchObject({ code: 'FORBIDDEN' });

    // the doctor copies a diagnosis, edited (suspected, own remark), with the institution's code
    const source = view.records.diagnoses[0]!;
    const outboxBefore = await db().sharingOutbox.count({ where: { clinicId: staff.clinic.id, patientId: patient.id, unitKind: 'diagnoses' } });
    const copied = await copySharedDiagnosis(
      { patientId: patient.id, identifier: source.identifier, index: source.index, diseaseCode: source.diseaseCode!, isSuspected: true, startDate: source.startDate!, note: '紹介状で確認' },
      doctor,
      deps,
    );
    expect(copied).toMatchObject({ baseName: source.name, isSuspected: true });
    const row = await db().diagnosis.findFirstOrThrow({ where: { clinicId: staff.clinic.id, id: copied.id } });
    expect(row.diseaseCode).toBe(source.diseaseCode);
    expect(row.note).toBe(`【他院情報から転記】${source.source.institutionName}（医療機関コード ${source.source.institutionNumber}）${source.source.registeredAt.slice(0, 10)}登録\n紹介状で確認`);
    // the write path: one uniform audit event with the provenance, and the sharing outbox row, in the same transaction
    const created = await auditEventsFor(staff.clinic.id, { action: 'create', resourceType: 'diagnosis', resourceId: copied.id });
    expect(created).toHaveLength(1);
    expect(created[0]!.detail).toMatchObject({ intent: 'create', copiedFrom: { institutionNumber: source.source.institutionNumber, identifier: source.identifier, index: source.index } });
    expect(await db().sharingOutbox.count({ where: { clinicId: staff.clinic.id, patientId: patient.id, unitKind: 'diagnoses' } })).toBe(outboxBefore + 1);

    // an allergy, keeping the institution's allergen code
    const allergy = view.records.allergies[0]!;
    const copiedAllergy = await copySharedAllergy(
      { patientId: patient.id, identifier: allergy.identifier, index: allergy.index, category: allergy.category as 'food', substanceName: allergy.substanceName, reaction: allergy.reaction ?? undefined, severity: (allergy.severity ?? undefined) as 'mild' | undefined, keepSourceCode: true },
      doctor,
      deps,
    );
    const allergyRow = await db().allergy.findFirstOrThrow({ where: { clinicId: staff.clinic.id, id: copiedAllergy.id } });
    expect(allergyRow.code).toBeTruthy();
    expect(allergy.code).toContain(allergyRow.code!);
    expect(allergyRow.note).toMatch(/^【他院情報から転記】.*（架空）/);
    expect((await auditEventsFor(staff.clinic.id, { action: 'create', resourceType: 'allergy', resourceId: copiedAllergy.id }))[0]!.detail).toMatchObject({ sourceCodeKept: true });

    // an entry the service does not hold cannot be copied (the client never supplies the content's provenance)
    await expect(copySharedDiagnosis({ patientId: patient.id, identifier: source.identifier, index: 999, freeText: '高血圧症' }, doctor, deps)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reads only within the consent\'s scope; a consent expires after 24 h and can be withdrawn (soft, audited)', async () => {
    const patient = await createPatient(doctor, { insurance: INSURANCE });
    const consent = await recordSharingConsent({ patientId: patient.id, scope: ['diagnoses'], source: 'chart' }, staff.nurse);
    const view = ok(await loadOtherInstitutionsView(patient.id, doctor, deps));
    expect(view.records.diagnoses.length).toBeGreaterThan(0);
    expect(view.records.allergies).toEqual([]);
    expect(view.records.labs).toEqual([]);
    const allergy = otherInstitutionsBundles(MEMBER_ID).find((b) => b.kind === 'allergies')!;
    await expect(copySharedAllergy({ patientId: patient.id, identifier: allergy.identifier, index: 1, category: 'food', substanceName: 'そば' }, doctor, deps)).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });

    const tomorrow = new Date(new Date(consent.givenAt).getTime() + 24 * 3600 * 1000 + 1000);
    expect(await loadOtherInstitutionsView(patient.id, doctor, { ...deps, now: tomorrow })).toMatchObject({ state: 'no_consent', latest: { id: consent.id, inForce: false } });

    const withdrawn = await withdrawSharingConsent({ consentId: consent.id, reason: '患者の申し出により撤回' }, staff.receptionist);
    expect(withdrawn).toMatchObject({ inForce: false, revokedByName: 'receptionist テスト', revokeReason: '患者の申し出により撤回' });
    expect(await loadOtherInstitutionsView(patient.id, doctor, deps)).toMatchObject({ state: 'no_consent', latest: { id: consent.id, revokedAt: expect.any(String) } });
    await expect(withdrawSharingConsent({ consentId: consent.id, reason: '二重' }, staff.receptionist)).rejects.toMatchObject({ code: 'CONFLICT' });
    const events = await auditEventsFor(staff.clinic.id, { resourceType: 'sharing_consent', resourceId: consent.id });
    expect(events.map((e) => e.action)).toEqual(['create', 'delete']);
    expect(JSON.stringify(events[1]!.detail)).not.toContain('申し出');
    // the row stays
    expect(await db().sharingConsent.count({ where: { clinicId: staff.clinic.id, patientId: patient.id } })).toBe(1);
  });

  it('keeps the chart working when a bundle is malformed or the service is down', async () => {
    const member = '06131239:1234:567893:00';
    const patient = await createPatient(doctor, { insurance: { ...INSURANCE, number: '567893' } });
    await recordSharingConsent({ patientId: patient.id, scope: ['diagnoses', 'allergies', 'labs'] }, doctor);
    const good = otherInstitutionsBundles(MEMBER_ID).find((b) => b.kind === 'diagnoses')!;
    const forThisPatient = JSON.parse(JSON.stringify(good).replaceAll(MEMBER_ID, member)) as typeof good;
    const brokenEntry = JSON.parse(JSON.stringify(forThisPatient)) as typeof good;
    (brokenEntry.bundle as { entry: unknown[] }).entry.push({ resource: { resourceType: 'Condition', code: 42 } }, null, 'junk');
    await fetch(`${sandbox.url}/__sandbox/other-institutions`, {
      method: 'POST',
      body: JSON.stringify({
        memberId: member,
        bundles: [
          { kind: 'diagnoses', institutionNumber: '0019990011', institutionName: '壊れた病院（架空）', registeredAt: 'yesterday', identifier: 'x', bundle: 'not a bundle' },
          null,
          { ...forThisPatient, bundle: { resourceType: 'Patient' } },
          { ...good, identifier: `${good.identifier}-other` }, // another patient's bundle
          brokenEntry,
        ],
      }),
    });
    const view = ok(await loadOtherInstitutionsView(patient.id, doctor, deps));
    expect(view.records.diagnoses.length).toBe((forThisPatient.bundle as { entry: unknown[] }).entry.length - 1);
    expect(view.records.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('形式が正しくない'),
      expect.stringContaining('形式が正しくない'),
      expect.stringContaining('形式が正しくない'),
      expect.stringContaining('一致しない'),
      expect.stringContaining('1件は形式が正しくない'),
    ]);

    await fetch(`${sandbox.url}/__sandbox/control`, { method: 'POST', body: JSON.stringify({ down: true }) });
    try {
      expect(await loadOtherInstitutionsView(patient.id, doctor, deps)).toMatchObject({ state: 'unavailable', message: expect.stringContaining('共有サービス') });
      // the service not answering is the one outcome the audit report shows as 失敗
      const [last] = (await auditEventsFor(staff.clinic.id, { action: 'read', resourceType: 'shared_records', patientId: patient.id })).slice(-1);
      expect(last).toMatchObject({ outcome: 'failure', detail: { state: 'unavailable' } });
    } finally {
      await fetch(`${sandbox.url}/__sandbox/control`, { method: 'POST', body: JSON.stringify({ down: false }) });
    }
  });

  it('another clinic sees neither the consent nor the records nor the audit trail', async () => {
    const patient = await createPatient(doctor, { insurance: INSURANCE });
    const consent = await recordSharingConsent({ patientId: patient.id, scope: ['diagnoses'] }, doctor);
    const other = await clinicWithStaff();
    await expect(loadOtherInstitutionsView(patient.id, other.doctor, deps)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(listSharingConsents(patient.id, other.doctor)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(recordSharingConsent({ patientId: patient.id, scope: ['diagnoses'] }, other.receptionist)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(withdrawSharingConsent({ consentId: consent.id, reason: '誤登録' }, other.receptionist)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(copySharedDiagnosis({ patientId: patient.id, identifier: 'x', index: 1, freeText: '高血圧症' }, other.doctor, deps)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await db().sharingConsent.count({ where: { clinicId: other.clinic.id } })).toBe(0);
    expect(await auditEventsFor(other.clinic.id, { patientId: patient.id, resourceType: 'shared_records' })).toEqual([]);
    expect((await listSharingConsents(patient.id, doctor)).map((c) => c.id)).toEqual([consent.id]);
  });
});
