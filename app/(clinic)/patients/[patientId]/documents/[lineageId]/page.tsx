import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AppError } from '@/lib/core/app-error';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';
import { loadPatientForPage } from '@/lib/web/load-patient-page';
import { getDocument, prefillReferral, withListedPrescriptions } from '@/lib/records/documents/document.service';
import { toAttachmentDto } from '@/lib/records/documents/document-attachment.service';
import { Badge, Card, LinkButton, PageTitle } from '@/components/ui/ui';
import { ReferralEditor } from '@/components/documents/referral-editor';
import { ReferralBody } from '@/components/documents/referral-body';
import { CancelDocumentButton } from '@/components/documents/cancel-document-button';
import { formatInTimeZone } from '@/lib/core/tz';
import { ReferralFhirCard } from './referral-fhir-card';
import { DOCUMENT_KIND_LABELS } from '@/lib/records/documents/document.constants';
import { prefillDischargeSummary } from '@/lib/records/documents/discharge-summary.service';
import { DischargeSummaryEditor } from '@/components/documents/discharge-summary-editor';
import { dischargeSeedFromContent } from '@/components/documents/discharge-summary-seed';
import { DischargeSummaryBody } from '@/components/documents/discharge-summary-body';
import { CheckupReportBody } from '@/components/documents/checkup-report-body';
import { prefillCheckupReport } from '@/lib/records/documents/checkup-report.service';
import { CheckupReportEditor } from '@/components/documents/checkup-report-editor';
import { checkupSeedFromContent } from '@/components/documents/checkup-report-seed';

export const metadata: Metadata = { title: '文書' };

const jst = (iso: string) => formatInTimeZone(new Date(iso), 'yyyy/MM/dd HH:mm');

/** One document (診療情報提供書 or 退院時サマリー): the latest version (editable by its author while a draft; ?edit=1 on a 確定 one makes a new version), and its history. */
export default async function DocumentPage({ params, searchParams }: { params: Promise<{ patientId: string; lineageId: string }>; searchParams: Promise<{ edit?: string }> }) {
  const actor = await requirePageActor('chart.read');
  const { patientId, lineageId } = await params;
  const editRequested = (await searchParams).edit === '1';
  const patient = await loadPatientForPage(patientId, actor, 'chart');
  let doc: Awaited<ReturnType<typeof getDocument>>;
  try {
    doc = await getDocument({ patientId, lineageId }, actor);
  } catch (e) {
    if (e instanceof AppError && e.code === 'NOT_FOUND') notFound();
    throw e;
  }
  const { latest, versions } = doc;
  const mayWrite = can(actor.role, 'document.write');
  const editing = mayWrite && ((latest.status === 'draft' && latest.authorId === actor.userId) || (editRequested && latest.status === 'final'));
  const title = (
    <>
      {DOCUMENT_KIND_LABELS[latest.kind]} <span className="text-base font-normal text-slate-600">{patient.fullName}（{patient.fullNameKana}）</span>{' '}
      <Badge tone={latest.status === 'final' ? 'green' : latest.status === 'draft' ? 'amber' : 'slate'}>
        {latest.statusLabel}（第{latest.version}版）
      </Badge>
      {latest.sending ? (
        <Badge tone={latest.sending.tone}>
          <span data-testid="document-sending-badge">{latest.sending.label}</span>
        </Badge>
      ) : null}
    </>
  );
  if (editing && latest.kind === 'discharge_summary') {
    const prefill = await prefillDischargeSummary(patientId, actor);
    const c = latest.content;
    const listed = [...c.admissionDiagnoses, ...c.dischargeDiagnoses];
    const withListed = {
      ...prefill,
      diagnoses: [...prefill.diagnoses, ...listed.filter((d, i) => listed.findIndex((x) => x.lineageId === d.lineageId) === i && !prefill.diagnoses.some((p) => p.id === d.lineageId)).map((d) => ({ id: d.lineageId, label: d.name, detail: '（記載済み）', checked: true }))],
      allergies: [...prefill.allergies, ...c.allergies.filter((a) => !prefill.allergies.some((p) => p.id === a.lineageId)).map((a) => ({ id: a.lineageId, label: a.name, detail: '（記載済み）', checked: true }))],
      prescriptions: withListedPrescriptions(prefill.prescriptions, c.prescriptions),
    };
    return (
      <div className="mx-auto max-w-5xl">
        <PageTitle actions={<LinkButton href={`/patients/${patientId}`}>カルテに戻る</LinkButton>}>{title}</PageTitle>
        <DischargeSummaryEditor patientId={patientId} prefill={withListed} seed={dischargeSeedFromContent(latest)} />
      </div>
    );
  }
  if (editing && latest.kind === 'checkup_report') {
    const prefill = await prefillCheckupReport(patientId, actor);
    return (
      <div className="mx-auto max-w-5xl">
        <PageTitle actions={<LinkButton href={`/patients/${patientId}`}>カルテに戻る</LinkButton>}>{title}</PageTitle>
        <CheckupReportEditor patientId={patientId} prefill={prefill} seed={checkupSeedFromContent(latest)} />
      </div>
    );
  }
  if (editing && latest.kind === 'referral') {
    const prefill = await prefillReferral(patientId, actor);
    const c = latest.content;
    // records listed in the letter stay offered even if the chart changed since
    const withListed = {
      ...prefill,
      diagnoses: [...prefill.diagnoses, ...c.diagnoses.filter((d) => !prefill.diagnoses.some((p) => p.id === d.lineageId)).map((d) => ({ id: d.lineageId, label: d.name, detail: '（記載済み）', checked: true }))],
      allergies: [...prefill.allergies, ...c.allergies.filter((a) => !prefill.allergies.some((p) => p.id === a.lineageId)).map((a) => ({ id: a.lineageId, label: a.name, detail: '（記載済み）', checked: true }))],
      labs: [...prefill.labs, ...c.labs.filter((l) => !prefill.labs.some((p) => p.id === l.id)).map((l) => ({ id: l.id, label: l.name, detail: `${l.value}${l.unit ?? ''}（${l.date}）`, checked: true }))],
      prescriptions: withListedPrescriptions(prefill.prescriptions, c.prescriptions),
      documents: [...prefill.documents, ...c.attachedDocuments.filter((d) => !prefill.documents.some((p) => p.id === d.id)).map((d) => ({ id: d.id, label: d.title, detail: `第${d.version}版（添付済み）`, checked: true }))],
    };
    const { destination, diagnoses, allergies, labs, prescriptions, attachments, attachedDocuments, ...sections } = c;
    return (
      <div className="mx-auto max-w-5xl">
        <PageTitle actions={<LinkButton href={`/patients/${patientId}`}>カルテに戻る</LinkButton>}>{title}</PageTitle>
        <ReferralEditor
          patientId={patientId}
          prefill={withListed}
          seed={{
            documentId: latest.id,
            lineageId: latest.lineageId,
            sourceStatus: latest.status === 'final' ? 'final' : 'draft',
            destination: { institutionId: destination.institutionId, name: destination.name, department: destination.department, doctor: destination.doctor, code: destination.code },
            sections,
            diagnosisIds: diagnoses.map((d) => d.lineageId),
            allergyIds: allergies.map((a) => a.lineageId),
            labResultIds: labs.map((l) => l.id),
            prescriptionIds: prescriptions.map((p) => p.id),
            attachments: attachments.map(toAttachmentDto),
            attachedDocumentIds: attachedDocuments.map((d) => d.id),
          }}
        />
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-5xl space-y-4">
      <PageTitle
        actions={
          <div className="flex gap-2">
            <LinkButton href={`/patients/${patientId}`}>カルテに戻る</LinkButton>
            {latest.status === 'final' ? (
              <LinkButton variant="primary" href={`/patients/${patientId}/documents/${lineageId}/print`}>
                印刷プレビュー
              </LinkButton>
            ) : null}
            {mayWrite && latest.status === 'final' ? <LinkButton href={`?edit=1`}>修正（新しい版）</LinkButton> : null}
            {can(actor.role, 'document.confirm') && latest.status !== 'entered_in_error' ? <CancelDocumentButton documentId={latest.id} /> : null}
          </div>
        }
      >
        {title}
      </PageTitle>
      <Card>
        <p className="mb-2 text-xs text-slate-600">
          作成 {latest.authorName ?? ''}
          {latest.confirmedAt ? ` ・ 確定 ${latest.confirmedByName ?? ''} ${jst(latest.confirmedAt)}` : ''}
          {latest.hashVerified === false ? <span className="ml-2 font-semibold text-red-700">内容が確定時から変更されています</span> : null}
          {latest.changeReason ? ` ・ ${latest.status === 'entered_in_error' ? '取消理由' : '修正理由'}: ${latest.changeReason}` : ''}
        </p>
        {latest.kind === 'discharge_summary' ? (
          <DischargeSummaryBody content={latest.content} admissionsHref={`/patients/${patientId}/admissions`} />
        ) : latest.kind === 'checkup_report' ? (
          <CheckupReportBody content={latest.content} />
        ) : (
          <ReferralBody content={latest.content} attachmentsHref={`/patients/${patientId}/documents/attachments`} />
        )}
      </Card>
      {latest.status === 'final' && can(actor.role, 'sharing.preview') ? <ReferralFhirCard patientId={patientId} lineageId={lineageId} documentId={latest.id} sending={latest.sending} actor={actor} kind={latest.kind} /> : null}
      {versions.length > 1 ? (
        <Card title="版歴">
          <ul className="text-sm">
            {versions.map((v) => (
              <li key={v.id}>
                第{v.version}版 {v.statusLabel} {jst(v.confirmedAt ?? v.createdAt)} {v.authorName ?? ''} {v.changeReason ? `（${v.changeReason}）` : ''}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}
