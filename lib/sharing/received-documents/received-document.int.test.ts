/**
 * 受信した紹介状 over real HTTP (issue 11, ADR 0058): a letter clinic A sends to clinic B's 医療機関コード arrives in B's
 * inbox through the sandbox service (the inbox job), rendered in Japanese; B links it to the patient (candidates by name
 * and birth date) and imports an allergy after review through the allergy service; a 差替 arrives as a new version still
 * linked, a 取消 marks it withdrawn; fetching again stores nothing twice; A and the nurse's limits hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { drainJobs } from '@/lib/jobs/job-worker';
import { enqueueJob } from '@/lib/jobs/job.repository';
import { listAllergiesForPatient } from '@/lib/records/allergies/allergy.service';
import { cancelDocument, confirmDocument, saveReferral } from '@/lib/records/documents/document.service';
import { sendDocument } from '@/lib/records/documents/document-send.service';
import { auditEventsFor, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { confirmedLetterTo, dischargeSummaryDraft, documentSharingSetup } from '@/tests/helpers/documents';
import { uploadDocumentAttachment } from '@/lib/records/documents/document-attachment.service';
import { deliverUnit } from '../deliver-unit.service';
import { DELIVER_QUEUE } from '../sharing.constants';
import { INBOX_QUEUE } from './received-document.constants';
import { fetchReceivedDocuments, getReceivedAttachment, getReceivedDocument, importReceivedAllergy, linkReceivedDocument, listReceivedDocuments, runInboxJob } from './received-document.service';

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

const expectCode = async (p: Promise<unknown>, code: string) => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
};
const deliverA = () => drainJobs({ queues: { [DELIVER_QUEUE]: async (job) => void (await deliverUnit(job, { service })) }, clinicIds: [a.clinic.id] });
/** B's worker: the inbox job, as the poller queues it */
const inboxB = async () => {
  await enqueueJob(db(), { clinicId: b.clinic.id, queue: INBOX_QUEUE, key: 'inbox', payload: {} });
  await drainJobs({ queues: { [INBOX_QUEUE]: async (job) => runInboxJob(job, { service }) }, clinicIds: [b.clinic.id] });
};

describe('a letter from clinic A to clinic B', () => {
  it('arrives in B\'s inbox, rendered; B links it to the patient and imports an allergy after review', async () => {
    const { letter } = await confirmedLetterTo(a, b, { withPrescription: true });
    // B has the same person (the factory's 山田 太郎, same birth date) and someone else
    const bPatient = await createPatient(b.receptionist);
    await createPatient(b.receptionist, { familyName: '佐藤', givenName: '花子', familyNameKana: 'サトウ', givenNameKana: 'ハナコ', birthDate: '1990-01-01', insurance: { insurerNumber: '06131239', symbol: '1234', number: '999999', branch: '00', relationship: 'self' } });
    await sendDocument({ documentId: letter.id }, a.doctor);
    await deliverA();

    expect(await listReceivedDocuments(b.doctor)).toEqual([]);
    await inboxB();
    const inbox = await listReceivedDocuments(b.doctor);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ version: 1, senderInstitution: a.clinic.institutionNumber, patientName: '山田 太郎', withdrawn: false, linkedPatient: null });
    // nothing for the sender, and fetching again stores nothing twice
    expect(await listReceivedDocuments(a.doctor)).toEqual([]);
    expect(await fetchReceivedDocuments(b.clinic.id, { service })).toEqual({ received: 0, withdrawn: 0 });
    const [created] = await auditEventsFor(b.clinic.id, { action: 'create', resourceType: 'received_document' });
    expect(created!.detail).toMatchObject({ identifier: inbox[0]!.identifier, version: 1 });

    const opened = await getReceivedDocument({ receivedId: inbox[0]!.id }, b.doctor);
    expect(opened.view.problems).toEqual([]);
    expect(opened.view.sender).toMatchObject({ code: a.clinic.institutionNumber });
    expect(opened.view.destination.code).toBe(b.clinic.institutionNumber);
    expect(opened.view.sections.map((s) => s.title)).toEqual(expect.arrayContaining(['紹介目的', '傷病名・主訴', '現病歴']));
    expect(opened.view.sections.find((s) => s.title === '紹介目的')!.text).toBe('精査加療のお願い');
    expect(opened.view.diagnoses).toHaveLength(1);
    expect(opened.view.allergies.map((x) => [x.substanceName, x.reaction])).toEqual([['そば', '蕁麻疹']]);
    // the 処方 travel as MedicationRequest entries (430 投薬指示) and are read back with their 用法
    expect(opened.view.medications).toEqual([{ name: expect.stringContaining('ノルバスク'), dosage: '1日1回朝食後 1錠 28日分' }]);
    expect(opened.candidates.map((c) => [c.id, c.matches])).toEqual([[bPatient.id, ['氏名', 'カナ', '生年月日', '被保険者番号']]]);
    await expectCode(getReceivedDocument({ receivedId: inbox[0]!.id }, a.doctor), 'NOT_FOUND');

    // nothing enters the chart before a person links it; the nurse may not link
    const allergy = opened.view.allergies[0]!;
    const review = { receivedId: opened.id, index: allergy.index, category: 'food' as const, substanceName: 'そば', reaction: '蕁麻疹' };
    await expectCode(importReceivedAllergy(review, b.doctor), 'PRECONDITION_FAILED');
    await expectCode(linkReceivedDocument({ receivedId: opened.id, patientId: bPatient.id }, b.nurse), 'FORBIDDEN');
    await expectCode(linkReceivedDocument({ receivedId: opened.id, patientId: bPatient.id }, a.doctor), 'NOT_FOUND');
    const linked = await linkReceivedDocument({ receivedId: opened.id, patientId: bPatient.id }, b.doctor);
    expect(linked.linkedPatient).toMatchObject({ id: bPatient.id, name: '山田 太郎' });

    const imported = await importReceivedAllergy(review, b.doctor);
    expect(imported).toMatchObject({ substanceName: 'そば', status: 'final' });
    const chart = await listAllergiesForPatient(bPatient.id, b.doctor);
    expect(chart.map((x) => x.substanceName)).toEqual(['そば']);
    expect(chart[0]!.note).toContain('【他院情報から転記】');
    const [event] = await auditEventsFor(b.clinic.id, { action: 'create', resourceType: 'allergy', patientId: bPatient.id });
    expect(event!.detail).toMatchObject({ receivedDocument: { id: opened.id, version: 1 } });
    expect((await getReceivedDocument({ receivedId: opened.id }, b.doctor)).importedEntries).toEqual([`allergy:${allergy.index}`]);

    // 差替 at A arrives as version 2, still linked; 取消 marks both withdrawn
    const v2 = await saveReferral({ patientId: letter.patientId, documentId: letter.id, destination: { institutionId: letter.content.destination.institutionId, name: '', department: '内科', doctor: '' }, purpose: '精査加療のお願い（検査結果追加）', chiefComplaint: '労作時胸痛', presentIllness: '2週間前から', diagnosisIds: letter.content.diagnoses.map((d) => d.lineageId), changeReason: '追記' }, a.doctor);
    const v2final = await confirmDocument({ documentId: v2.id }, a.doctor);
    await deliverA();
    await inboxB();
    const afterReplace = await listReceivedDocuments(b.doctor);
    expect(afterReplace.map((r) => [r.version, r.linkedPatient?.id])).toEqual([[2, bPatient.id], [1, bPatient.id]]);
    expect((await getReceivedDocument({ receivedId: afterReplace[1]!.id }, b.doctor)).supersededBy).toBe(2);
    await cancelDocument({ documentId: v2final.id, reason: '紹介取りやめ' }, a.doctor);
    await deliverA();
    await inboxB();
    expect((await listReceivedDocuments(b.doctor)).map((r) => r.withdrawn)).toEqual([true, true]);
    await expectCode(importReceivedAllergy(review, b.doctor), 'PRECONDITION_FAILED');
  });

  it('a letter with a PDF and a 退院時サマリー attached arrives with both; B views the PDF and reads the summary in Japanese (audited)', async () => {
    const { letter } = await confirmedLetterTo(a, b);
    const pdf = Buffer.from('%PDF-1.4\n% 心電図\n%%EOF\n');
    const file = await uploadDocumentAttachment({ patientId: letter.patientId, fileName: '心電図.pdf', contentType: 'application/pdf', dataBase64: pdf.toString('base64') }, a.doctor);
    const summary = await confirmDocument({ documentId: (await dischargeSummaryDraft(a, letter.patientId)).id }, a.doctor);
    const c = letter.content;
    const v2 = await saveReferral(
      { patientId: letter.patientId, documentId: letter.id, destination: { institutionId: c.destination.institutionId, name: '', department: '内科', doctor: '' }, purpose: c.purpose, chiefComplaint: c.chiefComplaint, presentIllness: c.presentIllness, diagnosisIds: c.diagnoses.map((d) => d.lineageId), attachmentIds: [file.id], attachedDocumentIds: [summary.id], changeReason: '資料を添付' },
      a.doctor,
    );
    await sendDocument({ documentId: (await confirmDocument({ documentId: v2.id }, a.doctor)).id }, a.doctor);
    await deliverA();
    await inboxB();
    const received = (await listReceivedDocuments(b.doctor)).find((r) => r.version === 2 && !r.withdrawn && r.senderInstitution === a.clinic.institutionNumber)!;
    const opened = await getReceivedDocument({ receivedId: received.id }, b.doctor);
    expect(opened.view.problems).toEqual([]);
    expect(opened.view.attachments).toEqual([{ index: expect.any(Number), title: '心電図.pdf', contentType: 'application/pdf', size: pdf.length, viewable: true, section: null }]);
    expect(opened.view.attachedDocuments).toHaveLength(1);
    const attached = opened.view.attachedDocuments[0]!;
    expect(attached.title).toBe('退院時サマリー');
    expect(attached.sections.map((x) => x.text).join('\n')).toContain('第7病日');
    expect(attached.diagnoses.length).toBeGreaterThan(0);
    const got = await getReceivedAttachment({ receivedId: received.id, index: opened.view.attachments[0]!.index }, b.doctor);
    expect(got).toMatchObject({ title: '心電図.pdf', contentType: 'application/pdf', viewable: true });
    expect(got.data.equals(pdf)).toBe(true);
    await expect(getReceivedAttachment({ receivedId: received.id, index: 0 }, b.doctor)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(getReceivedAttachment({ receivedId: received.id, index: opened.view.attachments[0]!.index }, a.doctor)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const reads = await auditEventsFor(b.clinic.id, { action: 'read', resourceType: 'received_document' });
    expect(reads.some((e) => (e.detail as { view?: string }).view === 'attachment')).toBe(true);
  });

  it('the patient named in the letter, and one with only its 被保険者番号, stay candidates when many patients share its 保険者番号', async () => {
    // c: the letter's person, then more patients on the letter's insurer than one candidate query returns
    const c = await clinicWithStaff();
    const { letter } = await confirmedLetterTo(a, c);
    await sendDocument({ documentId: letter.id }, a.doctor);
    await deliverA();
    const same = await createPatient(c.receptionist);
    for (let i = 0; i < 80; i++) {
      await createPatient(c.receptionist, { familyName: '佐藤', givenName: `次郎${i}`, familyNameKana: 'サトウ', givenNameKana: 'ジロウ', birthDate: '1960-01-01', insurance: { insurerNumber: '06131239', symbol: '1234', number: String(300000 + i), branch: '00', relationship: 'self' } });
    }
    // the same 被保険者 registered under another name and a mistyped birth date: found by the member (番号) alone
    const sameMember = await createPatient(c.receptionist, { familyName: '齋藤', givenName: '別名', familyNameKana: 'サイトウ', givenNameKana: 'ベツメイ', birthDate: '1961-02-02', insurance: { insurerNumber: '06131239', symbol: '1234', number: '567890', branch: '00', relationship: 'self' } });
    expect(await fetchReceivedDocuments(c.clinic.id, { service })).toMatchObject({ received: 1 });
    const [received] = await listReceivedDocuments(c.doctor);
    const opened = await getReceivedDocument({ receivedId: received!.id }, c.doctor);
    expect(opened.candidates.map((x) => [x.id, x.matches])).toEqual([
      [same.id, ['氏名', 'カナ', '生年月日', '被保険者番号']],
      [sameMember.id, ['被保険者番号']],
    ]);
  });

  it('the inbox job retries while the service is down and loses nothing', async () => {
    const c = await clinicWithStaff();
    sandbox.store.setControl({ down: true });
    await expect(runInboxJob({ clinicId: c.clinic.id }, { service })).rejects.toMatchObject({ name: 'RetryJobError' });
    sandbox.store.setControl({ down: false });
    expect(await fetchReceivedDocuments(c.clinic.id, { service })).toEqual({ received: 0, withdrawn: 0 });
  });
});
