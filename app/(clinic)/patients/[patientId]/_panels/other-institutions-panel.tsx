import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/permissions/permissions';
import { loadOtherInstitutionsView } from '@/lib/sharing/shared-records/shared-records.service';
import { Card, ErrorBanner } from '@/components/ui/ui';
import { ConsentSummary, RecordConsentForm, WithdrawConsentButton } from '@/components/chart/other-institutions/sharing-consent-form';
import { OtherInstitutionsRecords } from '@/components/chart/other-institutions/other-institutions-records';

const TITLE = (
  <span>
    他院の情報<span className="ml-2 text-xs font-normal text-slate-500">電子カルテ情報共有サービス・当院の記録とは別</span>
  </span>
);

/**
 * 他院の情報 (issue 10 §6): other institutions' diagnoses, allergies and labs, read from the sharing service only with the
 * patient's consent in force (the read is audited by the service). The page streams it (Suspense): a slow or failing
 * service never holds up the chart.
 */
export async function OtherInstitutionsPanel({ patientId, actor }: { patientId: string; actor: Actor }) {
  const view = await loadOtherInstitutionsView(patientId, actor);
  const canConsent = can(actor.role, 'sharing.consent');
  return (
    <Card title={TITLE} className="border-indigo-200">
      <div className="flex flex-col gap-3" data-testid="other-institutions">
        {view.state === 'no_member_id' && <p className="text-sm text-slate-600">被保険者番号（医療保険）の登録がないため、他院の情報を照会できません。</p>}
        {view.state === 'no_consent' && (
          <>
            <p className="text-sm text-slate-700">他院の情報を表示するには、患者の閲覧同意が必要です（有効な同意がありません）。</p>
            {view.latest && <ConsentSummary consent={view.latest} />}
            {canConsent ? <RecordConsentForm patientId={patientId} defaultSource="chart" /> : <p className="text-xs text-slate-500">同意は受付または医師・看護師が記録できます。</p>}
          </>
        )}
        {(view.state === 'unavailable' || view.state === 'ok') && (
          <div className="flex flex-wrap items-center gap-2">
            <ConsentSummary consent={view.consent} />
            {canConsent && <WithdrawConsentButton consentId={view.consent.id} />}
          </div>
        )}
        {view.state === 'unavailable' && <ErrorBanner>{view.message}</ErrorBanner>}
        {view.state === 'ok' && <OtherInstitutionsRecords patientId={patientId} records={view.records} canCopy={can(actor.role, 'shared.copy')} />}
      </div>
    </Card>
  );
}
