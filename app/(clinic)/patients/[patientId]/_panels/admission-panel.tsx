import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/permissions/permissions';
import { getAdmissionPanel } from '@/lib/records/admissions/admission.service';
import { Badge, Card } from '@/components/ui/ui';
import { AdmissionWorkspace } from '@/components/chart/admissions/admission-workspace';

/**
 * 入院 (有床診療所, docs/decisions/0087): the current stay with 退院登録, earlier stays with 退院時サマリー, 入院登録.
 * One indexed read of the patient's current admission versions (at most 20) plus the diagnosis choices; audited.
 */
export async function AdmissionPanel({ patientId, actor }: { patientId: string; actor: Actor }) {
  const panel = await getAdmissionPanel(patientId, actor);
  const canWrite = can(actor.role, 'admission.write');
  // a clinic without beds sees nothing here, unless the patient has recorded stays (0087)
  if ((!canWrite || !panel.clinicHasBeds) && panel.admissions.length === 0) return null;
  const current = panel.admissions.find((a) => a.status === 'admitted');
  return (
    <Card
      title={
        <span>
          入院
          {current && (
            <span className="ml-2">
              <Badge tone="teal">入院中 {current.days}日目</Badge>
            </span>
          )}
        </span>
      }
    >
      <AdmissionWorkspace
        patientId={patientId}
        panel={panel}
        can={{ write: canWrite, cancel: can(actor.role, 'admission.cancel'), summary: can(actor.role, 'document.write') }}
        defaultDoctorId={actor.role === 'doctor' ? actor.userId : null}
      />
    </Card>
  );
}
