/**
 * Validation of a letter's 添付資料 (section 210 添付情報, docs/decisions/0085), for what we send and what the sandbox
 * service accepts: each entry is a DocumentReference whose attachment names its type and title and points at a Binary
 * with data inside the letter, or a document Bundle — a 退院時サマリー or 健診結果報告書 checked by its own kind's
 * validator (its issues named as the attachment's); the whole letter stays within the service's 10 MB. Japanese.
 */
import type { Binary, Bundle, Composition, CompositionSection, DocumentReference } from '@medplum/fhirtypes';
import type { FhirIssue } from './issues';
import { codeOf, issue, validateReferralBundle, validateReferralDocument } from './referral-validate';
import { validateDischargeSummaryDocument } from './discharge-summary-validate';
import { validateCheckupReportDocument } from './checkup-report-validate';
import type { ReferralBundle } from './referral';

/** The sharing service's limit for one submission. */
export const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;
const ATTACHED_KINDS: Record<string, { label: string; validate: (b: Bundle) => FhirIssue[] }> = {
  '18842-5': { label: '退院時サマリー', validate: validateDischargeSummaryDocument },
  '53576-5': { label: '健康診断結果報告書', validate: validateCheckupReportDocument },
};

export function attachmentIssues(bundle: Bundle): FhirIssue[] {
  const out: FhirIssue[] = [];
  const entries = bundle.entry ?? [];
  const byUrl = new Map(entries.map((e) => [e.fullUrl, e.resource]));
  const composition = entries[0]?.resource as Composition | undefined;
  const sections = (composition?.section ?? []).filter((s: CompositionSection) => codeOf(s) === '210');
  for (const s of sections) {
    for (const ref of s.entry ?? []) {
      const target = byUrl.get(ref.reference);
      if (target?.resourceType === 'DocumentReference') {
        const a = (target as DocumentReference).content?.[0]?.attachment;
        const name = a?.title ?? '添付ファイル';
        if (!a?.contentType) out.push(issue(`添付資料「${name}」のファイル形式（contentType）がありません。`, '添付資料', 'DocumentReference.content.attachment.contentType', 'attachment-content-type', 'DocumentReference'));
        if (!a?.title) out.push(issue('添付資料の表題（title）がありません。', '添付資料', 'DocumentReference.content.attachment.title', 'attachment-title', 'DocumentReference'));
        const binary = a?.url ? byUrl.get(a.url) : undefined;
        if (!a?.data && !(binary?.resourceType === 'Binary' && (binary as Binary).data)) {
          out.push(issue(`添付資料「${name}」のファイルの中身が文書内にありません。`, '添付資料', 'DocumentReference.content.attachment.url', 'attachment-binary', 'DocumentReference'));
        }
      } else if (target?.resourceType === 'Bundle') {
        const attached = target as Bundle;
        const type = (attached.entry?.[0]?.resource as Composition | undefined)?.type?.coding?.[0]?.code ?? '';
        const kind = ATTACHED_KINDS[type];
        if (attached.type !== 'document' || !kind) {
          out.push(issue('添付された文書の種類が読み取れません（退院時サマリーまたは健康診断結果報告書を添付してください）。', '添付資料', 'Composition.section(210).entry', 'attachment-document-kind', 'Bundle'));
          continue;
        }
        for (const i of kind.validate(attached)) out.push({ ...i, field: `添付の${kind.label}: ${i.field}`, message: `添付の${kind.label}: ${i.message}` });
      } else {
        out.push(issue('「添付情報」セクションは添付資料（DocumentReference）か文書（Bundle）だけを指してください。', '添付資料', 'Composition.section(210).entry', 'attachment-reference'));
      }
    }
  }
  if (Buffer.byteLength(JSON.stringify(bundle)) > DOCUMENT_MAX_BYTES) {
    out.push(issue('文書が10MBを超えるため送信できません。添付資料を減らしてください。', '添付資料', 'Bundle', 'document-size', 'Bundle'));
  }
  return out;
}

/** A received letter: the referral's rules, then its attachments. */
export function validateReferralDocumentWithAttachments(bundle: Bundle): FhirIssue[] {
  return [...validateReferralDocument(bundle), ...attachmentIssues(bundle)];
}

/** A letter we built (errors first): validateReferralBundle plus its attachments. */
export function validateReferralWithAttachments(built: Pick<ReferralBundle, 'bundle' | 'units'>): FhirIssue[] {
  const issues = [...validateReferralBundle(built), ...attachmentIssues(built.bundle)];
  return issues.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
