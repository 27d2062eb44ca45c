import { createHash } from 'node:crypto';
import type { Binary, Bundle, Composition, DocumentReference } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReferralBundle, type ReferralDocumentInput } from './referral';
import { buildDischargeSummaryBundle } from './discharge-summary';
import { loadReferralProfiles } from './referral-validate';
import { validateReferralDocumentWithAttachments, validateReferralWithAttachments } from './referral-attachments-validate';
import { NOW, aDischargeSummary, aReferral } from './test-fixtures';
import { attachmentProblem, attachmentTypeOf, uploadAttachmentSchema } from '@/lib/records/documents/document-attachment.schema';

beforeAll(() => loadReferralProfiles(), 60_000);

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

const letter = (overrides: Partial<ReferralDocumentInput> = {}) => aReferral({ allergies: [], labReports: [], ...overrides });

const summaryBundle = () => buildDischargeSummaryBundle(aDischargeSummary()).bundle;
const withFiles = () =>
  buildReferralBundle(
    letter({
      attachments: [
        { id: 'a1', fileName: '心電図.pdf', contentType: 'application/pdf', size: PDF.length, data: PDF, createdAt: NOW },
        { id: 'a2', fileName: '胸部X線.png', contentType: 'image/png', size: PNG.length, data: PNG, createdAt: NOW },
      ],
      attachedDocuments: [{ title: '退院時サマリー', bundle: summaryBundle() }],
    }),
  );
const section210 = (b: Bundle) => (b.entry![0]!.resource as Composition).section!.find((s) => s.code!.coding![0]!.code === '210')!;

describe('添付資料 of a 診療情報提供書 (section 210 添付情報)', () => {
  it('carries each file as a DocumentReference (type, title, size, SHA-1) pointing at a Binary, and the summary as its own document Bundle; valid', () => {
    const built = withFiles();
    const s = section210(built.bundle);
    expect(s.title).toBe('添付情報');
    expect(s.text!.div).toContain('心電図.pdf');
    expect(s.text!.div).toContain('退院時サマリー');
    const byUrl = new Map(built.bundle.entry!.map((e) => [e.fullUrl, e.resource]));
    const targets = s.entry!.map((r) => byUrl.get(r.reference));
    expect(targets.map((t) => t!.resourceType)).toEqual(['DocumentReference', 'DocumentReference', 'Bundle']);
    const pdf = (targets[0] as DocumentReference).content[0]!.attachment;
    expect(pdf).toMatchObject({ contentType: 'application/pdf', title: '心電図.pdf', size: PDF.length, hash: createHash('sha1').update(PDF).digest('base64') });
    const binary = byUrl.get(pdf.url) as Binary;
    expect(binary.resourceType).toBe('Binary');
    expect(binary.meta!.profile![0]).toContain('JP_Binary');
    expect(Buffer.from(binary.data!, 'base64').equals(PDF)).toBe(true);
    const attached = targets[2] as Bundle;
    expect((attached.entry![0]!.resource as Composition).type!.coding![0]!.code).toBe('18842-5');
    expect(validateReferralWithAttachments(built)).toEqual([]);
  });

  it('a letter without attachments has no 210 section', () => {
    const c = buildReferralBundle(letter()).bundle.entry![0]!.resource as Composition;
    expect(c.section!.map((s) => s.code!.coding![0]!.code)).not.toContain('210');
  });

  it('finds, in Japanese, an attachment without its bytes, one without a type, and a broken attached summary', () => {
    const built = withFiles();
    const bundle = structuredClone(built.bundle);
    bundle.entry = bundle.entry!.filter((e) => e.resource!.resourceType !== 'Binary' || !(e.resource as Binary).contentType?.startsWith('image/'));
    const refs = bundle.entry!.filter((e) => e.resource!.resourceType === 'DocumentReference').map((e) => e.resource as DocumentReference);
    delete refs[0]!.content[0]!.attachment.contentType;
    const attached = bundle.entry!.find((e) => e.resource!.resourceType === 'Bundle')!.resource as Bundle;
    const c = attached.entry![0]!.resource as Composition;
    c.section = [];
    const messages = validateReferralDocumentWithAttachments(bundle).map((i) => i.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        '添付資料「心電図.pdf」のファイル形式（contentType）がありません。',
        '添付資料「胸部X線.png」のファイルの中身が文書内にありません。',
        expect.stringMatching(/^添付の退院時サマリー: /),
      ]),
    );
  });
});

describe('an uploaded file is checked', () => {
  it('accepts a PDF and a PNG by their first bytes and takes the type from the name', () => {
    expect(attachmentProblem(PDF, 'application/pdf')).toBeNull();
    expect(attachmentProblem(PNG, 'image/png')).toBeNull();
    expect(attachmentTypeOf('紹介資料.PDF')).toBe('application/pdf');
    expect(attachmentTypeOf('写真.jpeg')).toBe('image/jpeg');
    expect(attachmentTypeOf('メモ.docx')).toBeNull();
  });

  it('refuses, in Japanese, a file that is not what its type says, an empty one, one over 3 MB and a type it does not take', () => {
    expect(attachmentProblem(Buffer.from('MZ not a pdf'), 'application/pdf')).toBe('ファイルの内容がPDFではありません。');
    expect(attachmentProblem(new Uint8Array(), 'image/png')).toBe('ファイルが空です。');
    expect(attachmentProblem(Buffer.concat([PDF, Buffer.alloc(3 * 1024 * 1024)]), 'application/pdf')).toBe('添付ファイルは1件3MBまでです。');
    const r = uploadAttachmentSchema.safeParse({ patientId: '7d1f3c2a-1111-4222-8333-444455556666', fileName: 'a.docx', contentType: 'application/msword', dataBase64: 'AAAA' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe('添付できるのはPDF・PNG・JPEGのファイルです。');
  });
});
