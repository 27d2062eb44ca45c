import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/permissions/permissions';
import { listDiagnosesForPatient } from '@/lib/records/diagnoses/diagnosis.service';
import { Card } from '@/components/ui/ui';
import { DiagnosisList } from '@/components/chart/diagnoses/diagnosis-list';

/** 傷病名 panel of the chart: the problem list (read is audited by the service) and the forms for doctors. */
export async function DiagnosisPanel({ patientId, actor }: { patientId: string; actor: Actor }) {
  const diagnoses = await listDiagnosesForPatient(patientId, actor);
  const activeCount = diagnoses.filter((d) => d.isActive).length;
  return (
    <Card title={<>傷病名 <span className="text-xs font-normal text-slate-500">{activeCount}件</span></>}>
      <DiagnosisList patientId={patientId} diagnoses={diagnoses} canWrite={can(actor.role, 'diagnosis.write')} canFlag={can(actor.role, 'diagnosis.flag')} />
    </Card>
  );
}
