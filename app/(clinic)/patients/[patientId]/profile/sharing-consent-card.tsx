import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/permissions/permissions';
import { listSharingConsents } from '@/lib/sharing/consent/consent.service';
import { Card } from '@/components/ui/ui';
import { ConsentSummary, RecordConsentForm, WithdrawConsentButton } from '@/components/chart/other-institutions/sharing-consent-form';

/** 他院の情報の閲覧同意 at reception (the patient's page): the latest consents, recording one, withdrawing one. */
export async function SharingConsentCard({ patientId, actor }: { patientId: string; actor: Actor }) {
  const consents = await listSharingConsents(patientId, actor);
  const inForce = consents.find((c) => c.inForce);
  const canConsent = can(actor.role, 'sharing.consent');
  return (
    <Card title="他院の情報の閲覧同意（電子カルテ情報共有サービス）" className="mt-4">
      <div className="flex flex-col gap-2" data-testid="sharing-consent-card">
        {consents.length === 0 && <p className="text-sm text-slate-500">閲覧同意の記録はありません。</p>}
        {consents.slice(0, 3).map((c) => (
          <div key={c.id} className="flex flex-wrap items-center gap-2">
            <ConsentSummary consent={c} />
            {canConsent && c.inForce && <WithdrawConsentButton consentId={c.id} />}
          </div>
        ))}
        {canConsent && !inForce && <RecordConsentForm patientId={patientId} defaultSource="reception" />}
      </div>
    </Card>
  );
}
