import { QueryProvider } from '@/components/providers/query-provider';
import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';
import { listDepartmentsForReception, listDoctorsForReception, listQueue } from '@/lib/reception/visit.service';
import { ReceptionBoard } from '@/components/reception/reception-board';
import { TodayAppointments } from '@/components/reception/today-appointments';
import { listAppointmentsForDay } from '@/lib/reception/appointment.service';
import { OrcaCounterAcceptances } from '@/components/reception/orca-counter-acceptances';
import { listOrcaCounterAcceptances } from '@/lib/orca/orca-counter.service';

export const metadata: Metadata = { title: '受付' };

export default async function ReceptionPage() {
  const actor = await requirePageActor('reception.read');
  const canCheckIn = can(actor.role, 'reception.write');
  const [queue, doctors, departments, appointments, orcaCounter] = await Promise.all([
    listQueue(actor),
    canCheckIn ? listDoctorsForReception(actor) : Promise.resolve([]),
    canCheckIn ? listDepartmentsForReception(actor) : Promise.resolve([]),
    listAppointmentsForDay({}, actor),
    listOrcaCounterAcceptances(actor),
  ]);
  return (
    <QueryProvider>
    <ReceptionBoard
      initialQueue={queue}
      canCheckIn={canCheckIn}
      doctors={doctors}
      departments={departments}
      canRegister={can(actor.role, 'patient.write')}
      canOpenChart={can(actor.role, 'chart.read')}
      startsConsultation={can(actor.role, 'note.confirm') && can(actor.role, 'reception.write')}
      canRecheck={can(actor.role, 'eligibility.check')}
      appointments={
        <>
          {/* 受付 made at the ORCA counter (shown only when there are some), then 本日の予約 */}
          <OrcaCounterAcceptances initial={orcaCounter} canCheckIn={canCheckIn} />
          <TodayAppointments initial={appointments} canCheckIn={canCheckIn} doctors={doctors} />
        </>
      }
    />
    </QueryProvider>
  );
}
