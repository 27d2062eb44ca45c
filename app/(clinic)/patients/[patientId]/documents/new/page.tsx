import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { loadPatientForPage } from '@/lib/web/load-patient-page';
import { prefillReferral } from '@/lib/records/documents/document.service';
import { LinkButton, PageTitle } from '@/components/ui/ui';
import { ReferralEditor } from '@/components/documents/referral-editor';
import { seedFromPrefill } from '@/components/documents/referral-seed';
import { prefillDischargeSummary } from '@/lib/records/documents/discharge-summary.service';
import { DischargeSummaryEditor } from '@/components/documents/discharge-summary-editor';
import { dischargeSeedFromPrefill } from '@/components/documents/discharge-summary-seed';
import { prefillCheckupReport } from '@/lib/records/documents/checkup-report.service';
import { CheckupReportEditor } from '@/components/documents/checkup-report-editor';
import { checkupSeedFromPrefill } from '@/components/documents/checkup-report-seed';

export const metadata: Metadata = { title: '文書の作成' };

/** A new 診療情報提供書 (or ?kind=discharge_summary / checkup_report: 退院時サマリー / 健康診断結果報告書), pre-filled from the chart (each read audited by its slice). */
export default async function NewDocumentPage({ params, searchParams }: { params: Promise<{ patientId: string }>; searchParams: Promise<{ kind?: string; admissionId?: string }> }) {
  const actor = await requirePageActor('document.write');
  const { patientId } = await params;
  const patient = await loadPatientForPage(patientId, actor, 'chart');
  const { kind, admissionId } = await searchParams;
  if (kind === 'checkup_report') {
    const prefill = await prefillCheckupReport(patientId, actor);
    return (
      <div className="mx-auto max-w-5xl">
        <PageTitle actions={<LinkButton href={`/patients/${patientId}`}>カルテに戻る</LinkButton>}>
          健康診断結果報告書 <span className="text-base font-normal text-slate-600">{patient.fullName}（{patient.fullNameKana}）</span>
        </PageTitle>
        <CheckupReportEditor patientId={patientId} prefill={prefill} seed={checkupSeedFromPrefill(prefill)} />
      </div>
    );
  }
  if (kind === 'discharge_summary') {
    // started from a 入院 record (「退院時サマリーを作成」, 0087): that version; else the current or latest stay
    const prefill = await prefillDischargeSummary(patientId, actor, { admissionId: admissionId && /^[0-9a-f-]{36}$/i.test(admissionId) ? admissionId : undefined });
    return (
      <div className="mx-auto max-w-5xl">
        <PageTitle actions={<LinkButton href={`/patients/${patientId}`}>カルテに戻る</LinkButton>}>
          退院時サマリー <span className="text-base font-normal text-slate-600">{patient.fullName}（{patient.fullNameKana}）</span>
        </PageTitle>
        <DischargeSummaryEditor patientId={patientId} prefill={prefill} seed={dischargeSeedFromPrefill(prefill)} />
      </div>
    );
  }
  const prefill = await prefillReferral(patientId, actor);
  return (
    <div className="mx-auto max-w-5xl">
      <PageTitle actions={<LinkButton href={`/patients/${patientId}`}>カルテに戻る</LinkButton>}>
        診療情報提供書 <span className="text-base font-normal text-slate-600">{patient.fullName}（{patient.fullNameKana}）</span>
      </PageTitle>
      <ReferralEditor patientId={patientId} prefill={prefill} seed={seedFromPrefill(prefill)} />
    </div>
  );
}
