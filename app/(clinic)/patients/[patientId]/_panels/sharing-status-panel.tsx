import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/permissions/permissions';
import { getPatientSharingStatus } from '@/lib/sharing/sharing-status.service';
import { SharingStatus } from '@/components/chart/sharing/sharing-status';

/** 情報共有 panel of the chart: the sharing state per unit (read audited by the service), 再送 for doctors. */
export async function SharingStatusPanel({ patientId, actor }: { patientId: string; actor: Actor }) {
  const status = await getPatientSharingStatus(patientId, actor);
  return (
    <SharingStatus
      initial={status}
      canResend={can(actor.role, 'sharing.resend')}
      previewHref={can(actor.role, 'sharing.preview') ? `/patients/${patientId}/sharing` : null}
    />
  );
}
