import { QueryProvider } from '@/components/providers/query-provider';
import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';
import { listQueue } from '@/lib/reception/visit.service';
import { ReceptionBoard } from '@/components/reception/reception-board';

export const metadata: Metadata = { title: '受付' };

export default async function ReceptionPage() {
  const actor = await requirePageActor('reception.read');
  const queue = await listQueue(actor);
  return (
    <QueryProvider>
    <ReceptionBoard
      initialQueue={queue}
      canCheckIn={can(actor.role, 'reception.write')}
      canRegister={can(actor.role, 'patient.write')}
      canOpenChart={can(actor.role, 'chart.read')}
      canRecheck={can(actor.role, 'eligibility.check')}
    />
    </QueryProvider>
  );
}
