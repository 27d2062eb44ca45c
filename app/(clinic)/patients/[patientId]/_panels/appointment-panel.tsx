import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/permissions/permissions';
import { listUpcomingForPatient } from '@/lib/reception/appointment.service';
import { listDoctorsForReception } from '@/lib/reception/visit.service';
import { Card } from '@/components/ui/ui';
import { AppointmentBooking } from '@/components/reception/appointment-booking';

/** 次回予約 panel of the chart and the patient page: upcoming appointments (read audited by the service), booking (issue 13, 0057) and 予約変更 (0060). */
export async function AppointmentPanel({ patientId, actor, patientName }: { patientId: string; actor: Actor; patientName?: string }) {
  const canWrite = can(actor.role, 'reception.write');
  const [upcoming, doctors] = await Promise.all([
    listUpcomingForPatient(patientId, actor),
    canWrite ? listDoctorsForReception(actor) : Promise.resolve([]),
  ]);
  const self = actor.role === 'doctor' && doctors.some((d) => d.id === actor.userId) ? actor.userId : null;
  return (
    <Card title="次回予約">
      <AppointmentBooking patientId={patientId} upcoming={upcoming} doctors={doctors} defaultDoctorId={self} canWrite={canWrite} patientName={patientName} />
    </Card>
  );
}
