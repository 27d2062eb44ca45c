/**
 * レセコン連携 admin page's services over real HTTP against the sandbox ORCA and a real database: starting the link
 * and mapping doctors (validated, audited, tenant-bound), 接続確認 with ORCA's own ドクター list, and a send ORCA
 * refused that the admin sees with its patient and reason and sends again once the cause is fixed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { AppError } from '@/lib/core/app-error';
import { checkIn } from '@/lib/reception/visit.service';
import { drainJobs } from '@/lib/jobs/job-worker';
import { findJobByKey } from '@/lib/jobs/job.repository';
import { auditEventsFor, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { OrcaClient } from './orca-client';
import { HttpOrcaTransport } from './adapters/http-transport';
import { orcaLinkRepository } from './orca-link.repository';
import { makeOrcaJobQueues } from './orca-jobs';
import { ORCA_ACCEPTANCE_QUEUE } from './orca-queues';
import { checkOrcaConnection, getOrcaAdmin, resendOrcaJob, saveOrcaSettings } from './orca-admin.service';
import { startOrcaHarness, type OrcaHarness } from '@/tests/helpers/orca-sandbox';

let orca: OrcaHarness;
let link: OrcaClient;
let staff: Awaited<ReturnType<typeof clinicWithStaff>>;

const control = async (action: string, body: unknown = {}) => {
  const res = await fetch(`${orca.url}/__sandbox/${action}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${action}: ${res.status} ${await res.text()}`);
};
const sandboxAcceptances = async () => (await orca.state<{ acceptances: unknown[] }>()).acceptances;
const rejection = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

beforeAll(async () => {
  orca = await startOrcaHarness();
  link = orca.link;
});
afterAll(() => orca.close());
beforeEach(async () => {
  await control('reset');
  staff = await clinicWithStaff();
});

describe('the clinic\'s ORCA settings', () => {
  it('an admin starts the link and maps a doctor to an ORCA ドクターコード; audited; bad codes and others\' doctors are refused in Japanese', async () => {
    expect((await getOrcaAdmin(staff.admin)).settings.linked).toBe(false);
    await saveOrcaSettings({ numberingMaster: 'orca', medicalInformation: '01', defaultPhysicianCode: '10001', physicianCodes: { [staff.doctor.userId]: '10002' } }, staff.admin);
    const view = await getOrcaAdmin(staff.admin);
    expect(view.settings).toMatchObject({ linked: true, defaultPhysicianCode: '10001', physicianCodes: { [staff.doctor.userId]: '10002' } });
    expect(view.doctors.map((d) => d.id)).toContain(staff.doctor.userId);
    const [created] = await auditEventsFor(staff.clinic.id, { resourceType: 'orca_settings' });
    expect(created).toMatchObject({ action: 'create', userId: staff.admin.userId });

    // an empty code means "not mapped" (the default code is used) and is not stored
    await saveOrcaSettings({ numberingMaster: 'ehr', medicalInformation: '02', defaultPhysicianCode: '10002', physicianCodes: { [staff.doctor.userId]: '' } }, staff.admin);
    expect(await orcaLinkRepository.settings(db(), staff.clinic.id)).toMatchObject({ numberingMaster: 'ehr', medicalInformation: '02', defaultPhysicianCode: '10002', physicianCodes: {} });
    expect((await auditEventsFor(staff.clinic.id, { resourceType: 'orca_settings' })).map((e) => e.action).sort()).toEqual(['create', 'settings_changed']);

    const badCode = await rejection(saveOrcaSettings({ numberingMaster: 'orca', medicalInformation: '01', defaultPhysicianCode: '123', physicianCodes: {} }, staff.admin));
    expect(badCode).toBeInstanceOf(AppError);
    expect((badCode as AppError).fieldErrors?.defaultPhysicianCode).toContain('5桁');
    const other = await clinicWithStaff();
    const foreignDoctor = await rejection(saveOrcaSettings({ numberingMaster: 'orca', medicalInformation: '01', defaultPhysicianCode: '10001', physicianCodes: { [other.doctor.userId]: '10001' } }, staff.admin));
    expect((foreignDoctor as AppError).message).toContain('この医療機関の医師');
    expect(await orcaLinkRepository.settings(db(), staff.clinic.id)).toMatchObject({ defaultPhysicianCode: '10002' });
    // doctors and receptionists cannot change it; the other clinic does not see this clinic's settings
    expect(await rejection(saveOrcaSettings({ numberingMaster: 'orca', medicalInformation: '01', defaultPhysicianCode: '10001', physicianCodes: {} }, staff.doctor))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await rejection(getOrcaAdmin(staff.receptionist))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await getOrcaAdmin(other.admin)).settings.linked).toBe(false);
  });
});

describe('接続確認', () => {
  it('reads ORCA\'s ドクター and 診療科 over HTTP, and says in Japanese why it cannot connect', async () => {
    const ok = await checkOrcaConnection(staff.admin, { link });
    expect(ok).toMatchObject({ ok: true });
    if (!ok.ok) throw new Error('unreachable');
    expect(ok.physicians).toContainEqual({ code: '10001', name: '桜井　誠一' });
    expect(ok.departments).toContainEqual({ code: '01', name: '内科' });

    await control('fault', { kind: 'http503' });
    const down = await checkOrcaConnection(staff.admin, { link });
    expect(down).toMatchObject({ ok: false, message: expect.stringContaining('ORCA') });
    const bad = new OrcaClient({ transport: new HttpOrcaTransport({ baseUrl: orca.url, user: 'ormaster', password: 'wrong', timeoutMs: 1500 }) });
    await control('clear-faults');
    expect(await checkOrcaConnection(staff.admin, { link: bad })).toMatchObject({ ok: false, message: expect.stringContaining('認証') });
    expect(await checkOrcaConnection(staff.admin, { link: null })).toMatchObject({ ok: false, message: expect.stringContaining('ORCA_MODE') });
    // each probe is audited with its answer (no patient is named)
    const checks = (await auditEventsFor(staff.clinic.id, { resourceType: 'orca_link', action: 'read' })).filter((e) => (e.detail as { check?: string }).check === 'connection');
    expect(checks.map((e) => e.outcome)).toEqual(['success', 'failure', 'failure']);
    expect(checks.every((e) => e.patientId === null && e.userId === staff.admin.userId)).toBe(true);
    expect(await rejection(checkOrcaConnection(staff.nurse, { link }))).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('sends that need a person', () => {
  it('a 受付 ORCA refused stops; the admin sees the patient and ORCA\'s reason, fixes the ドクターコード, and 再送 sends it once', async () => {
    const queues = makeOrcaJobQueues(link);
    const run = () => drainJobs({ queues, clinicIds: [staff.clinic.id], maxRounds: 3 });
    await saveOrcaSettings({ numberingMaster: 'orca', medicalInformation: '01', defaultPhysicianCode: '99999', physicianCodes: {} }, staff.admin);
    const patient = await createPatient(staff.receptionist, { givenName: '再送', givenNameKana: 'サイソウ' });
    const visit = await checkIn({ patientId: patient.id }, staff.receptionist);
    await run();
    const job = (await findJobByKey(staff.clinic.id, ORCA_ACCEPTANCE_QUEUE, visit.visitId))!;
    expect(job.state).toBe('dead');

    const view = await getOrcaAdmin(staff.admin);
    expect(view.attention).toHaveLength(1);
    expect(view.attention[0]).toMatchObject({
      jobId: job.id,
      queueLabel: '受付の送信・取消',
      stopped: true,
      patient: { id: patient.id, name: expect.stringContaining('再送') },
      lastError: expect.stringContaining('14'),
    });
    // listing names patients: the read is audited with them
    const reads = await auditEventsFor(staff.clinic.id, { resourceType: 'orca_link', action: 'read' });
    expect(reads.at(-1)?.detail).toMatchObject({ patientIds: [patient.id] });

    // another clinic's admin cannot touch it
    const other = await clinicWithStaff();
    expect(await rejection(resendOrcaJob(job.id, other.admin))).toMatchObject({ code: 'NOT_FOUND' });

    await saveOrcaSettings({ numberingMaster: 'orca', medicalInformation: '01', defaultPhysicianCode: '10001', physicianCodes: {} }, staff.admin);
    await resendOrcaJob(job.id, staff.admin);
    await run();
    // done: nothing left to send again
    expect(await rejection(resendOrcaJob(job.id, staff.admin))).toMatchObject({ code: 'CONFLICT' });
    expect(await orcaLinkRepository.visitLink(db(), staff.clinic.id, visit.visitId)).toMatchObject({ acceptanceState: 'sent', physicianCode: '10001' });
    expect(await sandboxAcceptances()).toHaveLength(1);
    expect((await getOrcaAdmin(staff.admin)).attention).toHaveLength(0);
    const [resend] = await auditEventsFor(staff.clinic.id, { resourceType: 'orca_link', action: 'resend' });
    expect(resend).toMatchObject({ resourceId: job.id, patientId: patient.id, userId: staff.admin.userId });
  });
});
