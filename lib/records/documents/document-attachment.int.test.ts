/**
 * 添付資料 of a 診療情報提供書 (docs/decisions/0085): a doctor uploads a PDF (a bad one is refused in Japanese), attaches
 * it and a 確定 退院時サマリー of the same patient; 確定 freezes them with the letter's hash (the stored bytes cannot be
 * changed), the FHIR document carries them in 210 添付情報 and is valid; another patient's file or a draft summary is
 * refused; uploads and views are audited.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { auditEventsFor, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { confirmDocument, saveReferral } from './document.service';
import { getDocumentFhir } from './document-fhir.service';
import { getDocumentAttachmentFile, uploadDocumentAttachment } from './document-attachment.service';
import { asReferral } from './document.dto';
import { dischargeSummaryDraft } from '@/tests/helpers/documents';

const PDF = Buffer.from('%PDF-1.4\n% 紹介用の心電図\n%%EOF\n');
type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let s: Staff;

beforeAll(async () => {
  await loadDemoMasters();
  s = await clinicWithStaff();
});

const expectInvalid = async (p: Promise<unknown>) => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe('INVALID_INPUT');
  return err as AppError;
};

describe('添付資料', () => {
  it('a PDF and a 確定 退院時サマリー attached to a letter are frozen with it and go into the FHIR document', async () => {
    const p = await createPatient(s.receptionist);
    const other = await createPatient(s.receptionist, { familyName: '佐藤', givenName: '花子', familyNameKana: 'サトウ', givenNameKana: 'ハナコ' });
    const bad = await expectInvalid(uploadDocumentAttachment({ patientId: p.id, fileName: '心電図.pdf', contentType: 'application/pdf', dataBase64: Buffer.from('not a pdf').toString('base64') }, s.doctor));
    expect(bad.message).toBe('ファイルの内容がPDFではありません。');
    const file = await uploadDocumentAttachment({ patientId: p.id, fileName: '心電図.pdf', contentType: 'application/pdf', dataBase64: PDF.toString('base64') }, s.doctor);
    expect(file).toMatchObject({ fileName: '心電図.pdf', typeLabel: 'PDF', size: PDF.length });
    const foreign = await uploadDocumentAttachment({ patientId: other.id, fileName: '別人.pdf', contentType: 'application/pdf', dataBase64: PDF.toString('base64') }, s.doctor);

    const summaryDraft = await dischargeSummaryDraft(s, p.id);
    const base = { patientId: p.id, destination: { institutionId: null, name: '青葉台総合病院', department: '', doctor: '' }, purpose: '精査加療のお願い', attachmentIds: [file.id] };
    const refused = await expectInvalid(saveReferral({ ...base, attachedDocumentIds: [summaryDraft.id] }, s.doctor));
    expect(refused.message).toBe('添付できるのはこの患者の確定した退院時サマリー・健康診断結果報告書です。');
    expect((await expectInvalid(saveReferral({ ...base, attachmentIds: [foreign.id] }, s.doctor))).message).toBe('添付ファイルが見つかりません。添付し直してください。');
    const summary = await confirmDocument({ documentId: summaryDraft.id }, s.doctor);

    const draft = asReferral(await saveReferral({ ...base, attachedDocumentIds: [summary.id] }, s.doctor));
    expect(draft.content.attachments).toEqual([{ id: file.id, fileName: '心電図.pdf', contentType: 'application/pdf', size: PDF.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(draft.content.attachedDocuments).toMatchObject([{ id: summary.id, kind: 'discharge_summary', title: '退院時サマリー', version: 1, contentHash: summary.contentHash }]);
    const letter = await confirmDocument({ documentId: draft.id }, s.doctor);
    expect(letter.hashVerified).toBe(true);

    // the stored bytes never change (the letter's hash names them)
    await expect(db().$executeRaw`UPDATE "DocumentAttachment" SET "fileName" = 'x' WHERE "clinicId" = ${s.clinic.id} AND id = ${file.id}`).rejects.toThrow();

    const fhir = await getDocumentFhir({ patientId: p.id, lineageId: letter.lineageId }, s.doctor);
    const bundle = JSON.parse(fhir.json) as { entry: { fullUrl: string; resource: { resourceType: string; section?: { title: string; entry?: { reference: string }[] }[] } }[] };
    const s210 = bundle.entry[0]!.resource.section!.find((x) => x.title === '添付情報')!;
    expect(s210.entry!.map((r) => bundle.entry.find((e) => e.fullUrl === r.reference)!.resource.resourceType)).toEqual(['DocumentReference', 'Bundle']);
    expect(bundle.entry.some((e) => e.resource.resourceType === 'Binary')).toBe(true);
    expect(fhir.issues.filter((i) => i.severity === 'error').map((i) => i.message).filter((m) => m.startsWith('添付'))).toEqual([]);

    const opened = await getDocumentAttachmentFile({ patientId: p.id, attachmentId: file.id }, s.doctor);
    expect(Buffer.from(opened.data).equals(PDF)).toBe(true);
    await expect(getDocumentAttachmentFile({ patientId: other.id, attachmentId: file.id }, s.doctor)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const events = await auditEventsFor(s.clinic.id, { resourceType: 'document_attachment', patientId: p.id });
    expect(events.map((e) => e.action).sort()).toEqual(['create', 'read']);
  });
});
