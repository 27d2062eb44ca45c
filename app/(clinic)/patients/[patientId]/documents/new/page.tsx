import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { loadPatientForPage } from '@/lib/web/load-patient-page';
import { prefillReferral } from '@/lib/records/documents/document.service';
import { LinkButton, PageTitle } from '@/components/ui/ui';
import { ReferralEditor } from '@/components/documents/referral-editor';
import { seedFromPrefill } from '@/components/documents/referral-seed';

export const metadata: Metadata = { title: '診療情報提供書の作成' };

/** A new 診療情報提供書, pre-filled from the chart (each read audited by its slice). */
export default async function NewReferralPage({ params }: { params: Promise<{ patientId: string }> }) {
  const actor = await requirePageActor('document.write');
  const { patientId } = await params;
  const patient = await loadPatientForPage(patientId, actor, 'chart');
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
