import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';
import { listAppointmentSchedule } from '@/lib/reception/appointment.service';
import { AppointmentSchedule } from '@/components/reception/appointment-schedule';
import { PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: '予約表' };

/** 予約表 (issue 13, docs/decisions/0060): a day or a week of appointments, a column per doctor. */
export default async function AppointmentSchedulePage({ searchParams }: { searchParams: Promise<{ date?: string; view?: string }> }) {
  const actor = await requirePageActor('reception.read');
  const q = await searchParams;
  const schedule = await listAppointmentSchedule(
    {
      ...(typeof q.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(q.date) ? { date: q.date } : {}),
      view: q.view === 'week' ? 'week' : 'day',
    },
    actor,
  );
  return (
    <div className="mx-auto max-w-7xl">
      <PageTitle>予約表</PageTitle>
      <AppointmentSchedule schedule={schedule} canCheckIn={can(actor.role, 'reception.write')} />
    </div>
  );
}
