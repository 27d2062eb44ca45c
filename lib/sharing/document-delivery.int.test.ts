/**
 * Sending a 確定 診療情報提供書 over real HTTP to the sandbox sharing service (issue 11, ADR 0058): 送信 queues the
 * letter as a document unit, the delivery registers it (version 1) and the clinic sees 送信済; the same content is
 * not sent again; a new 確定 version replaces it under the same identifier (差替); 取消 deletes it; an outage on the
 * way is 再送待ち and retried later, nothing lost, nothing sent twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { drainJobs } from '@/lib/jobs/job-worker';
import { cancelDocument, confirmDocument, getDocument, saveReferral } from '@/lib/records/documents/document.service';
import { sendDocument } from '@/lib/records/documents/document-send.service';
import { auditEventsFor, clinicWithStaff } from '@/tests/helpers/factories';
import { confirmedLetterTo, documentSharingSetup } from '@/tests/helpers/documents';
import { deliverUnit } from './deliver-unit.service';
import { DELIVER_QUEUE } from './sharing.constants';
import { findDocumentUnit } from './sharing-unit.repository';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let sandbox: Awaited<ReturnType<typeof documentSharingSetup>>['sandbox'];
let service: Awaited<ReturnType<typeof documentSharingSetup>>['service'];
let a: Staff;
let b: Staff;

beforeAll(async () => {
  ({ sandbox, service, a, b } = await documentSharingSetup());
});
afterAll(async () => {
  await sandbox?.close();
});

function clockAt(start = new Date()) {
  let now = start.getTime();
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
}
const deliver = (clinicId: string, clock?: () => Date) =>
  drainJobs({ queues: { [DELIVER_QUEUE]: async (job) => void (await deliverUnit(job, { service, clock })) }, clock, clinicIds: [clinicId] });

const expectCode = async (p: Promise<unknown>, code: string) => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
};

describe('sending a 確定 診療情報提供書', () => {
  it('送信 → 送信済; unchanged is not resent; 差替 replaces under the same identifier; an outage is retried; 取消 deletes', async () => {
    const { patient, letter } = await confirmedLetterTo(a, b);
    const clinicId = a.clinic.id;
    // who may, what may be sent
    await expectCode(sendDocument({ documentId: letter.id }, a.nurse), 'FORBIDDEN');
    await expectCode(sendDocument({ documentId: letter.id }, b.doctor), 'NOT_FOUND');
    const draft = await saveReferral({ patientId: patient.id, destination: { institutionId: null, name: '某病院', department: '', doctor: '' }, purpose: '相談' }, a.doctor);
    expect((await expectCode(sendDocument({ documentId: draft.id }, a.doctor), 'PRECONDITION_FAILED')).message).toContain('確定');

    const queued = await sendDocument({ documentId: letter.id }, a.doctor);
    expect(queued).toMatchObject({ state: 'pending', label: '送信待ち' });
    expect((await getDocument({ patientId: patient.id, lineageId: letter.lineageId }, a.doctor)).latest.sending).toMatchObject({ label: '送信待ち' });
    const [sendEvent] = await auditEventsFor(clinicId, { action: 'export', resourceType: 'clinical_document', resourceId: letter.id });
    expect(sendEvent!.detail).toMatchObject({ intent: 'send', lineageId: letter.lineageId, version: 1 });
    expect(JSON.stringify(sendEvent!.detail)).not.toMatch(/精査加療|胸痛/);

    await deliver(clinicId);
    let unit = (await findDocumentUnit(clinicId, patient.id, letter.lineageId))!;
    expect(unit).toMatchObject({ state: 'sent', removed: false, memberIdSent: '06131239:1234:567890:00' });
    const identifier = unit.identifier!;
    expect(identifier).toMatch(new RegExp(`^${a.clinic.institutionNumber}\\^\\d{4}\\^R[0-9a-f]{32}$`));
    expect(sandbox.store.documentStatus(identifier)).toMatchObject({ held: true, version: 1, contentHash: unit.lastSentHash });
    const held = sandbox.store.documents.get(identifier)!;
    expect(held.addressee).toBe(b.clinic.institutionNumber);
    expect((held.bundle as { type: string }).type).toBe('document');
    expect((await getDocument({ patientId: patient.id, lineageId: letter.lineageId }, a.doctor)).latest.sending).toMatchObject({ state: 'sent', label: '送信済' });
    const receipts = () => sandbox.store.receipts.filter((r) => r.identifier === identifier);
    expect(receipts()).toHaveLength(1);

    // 送信 again with nothing changed: nothing leaves
    await sendDocument({ documentId: letter.id }, a.doctor);
    await deliver(clinicId);
    expect(receipts()).toHaveLength(1);

    // a new version: the draft changes nothing at the service; its 確定 resends version 2 under the same identifier
    const v2 = await saveReferral({ patientId: patient.id, documentId: letter.id, destination: { institutionId: letter.content.destination.institutionId, name: '', department: '内科', doctor: '鈴木 花子' }, purpose: '精査加療のお願い（追記あり）', chiefComplaint: '労作時胸痛', presentIllness: '2週間前から労作時の胸痛', diagnosisIds: letter.content.diagnoses.map((d) => d.lineageId), allergyIds: letter.content.allergies.map((x) => x.lineageId), changeReason: '追記' }, a.doctor);
    await deliver(clinicId);
    expect(sandbox.store.documentStatus(identifier)).toMatchObject({ held: true, version: 1 });
    const v2final = await confirmDocument({ documentId: v2.id }, a.doctor);
    expect(v2final.sending).toMatchObject({ label: '送信待ち' });
    await deliver(clinicId);
    expect(sandbox.store.documentStatus(identifier)).toMatchObject({ held: true, version: 2 });
    expect(receipts()).toHaveLength(2);
    expect(sandbox.store.documents.size).toBeGreaterThanOrEqual(1);
    unit = (await findDocumentUnit(clinicId, patient.id, letter.lineageId))!;
    expect(unit).toMatchObject({ state: 'sent', identifier });

    // 取消 while the service is down: 再送待ち, retried later, then deleted
    sandbox.store.setControl({ down: true });
    const cancelled = await cancelDocument({ documentId: v2final.id, reason: '患者希望により取りやめ' }, a.doctor);
    const t = clockAt();
    expect(cancelled.sending).toMatchObject({ label: '送信待ち' });
    await deliver(clinicId, t.clock);
    expect(await findDocumentUnit(clinicId, patient.id, letter.lineageId)).toMatchObject({ state: 'retry_wait', reason: expect.stringContaining('自動で再送') });
    expect((await getDocument({ patientId: patient.id, lineageId: letter.lineageId }, a.doctor)).latest.sending).toMatchObject({ label: '再送待ち' });
    expect(sandbox.store.documentStatus(identifier)).toMatchObject({ held: true, version: 2 });
    sandbox.store.setControl({ down: false });
    t.advance(60 * 60_000);
    await deliver(clinicId, t.clock);
    expect(sandbox.store.documentStatus(identifier)).toEqual({ held: false });
    expect(await findDocumentUnit(clinicId, patient.id, letter.lineageId)).toMatchObject({ state: 'sent', removed: true });
    expect((await getDocument({ patientId: patient.id, lineageId: letter.lineageId }, a.doctor)).latest.sending).toMatchObject({ label: '取消送信済' });
    // the withdrawal reaches the addressee's feed after the two versions
    expect(sandbox.store.inbox(b.clinic.institutionNumber, 0).map((e) => [e.version, e.deleted])).toEqual([[1, false], [2, false], [2, true]]);
    expect([...sandbox.store.deliveriesPerContent().values()].every((n) => n === 1)).toBe(true);
  });

  it('the sandbox refuses a stale or conflicting version and a non-document bundle', async () => {
    const ok = { identifier: '1312345678^2026^Rabc', memberId: '06131239:1234:567890:00', contentHash: 'h1' };
    expect(sandbox.store.registerDocument({ ...ok, version: 1, bundle: { resourceType: 'Bundle', type: 'collection', identifier: { value: ok.identifier }, entry: [] } })).toMatchObject({
      ok: false,
      issues: expect.arrayContaining([expect.objectContaining({ message: 'Bundle.typeはdocumentでなければなりません' })]),
    });
  });
});
