import { redirect } from 'next/navigation';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';

export default async function Home() {
  const actor = await requirePageActor();
  // a doctor's day starts from their own 診察待ち list, not the check-in search (issue 13)
  if (can(actor.role, 'note.confirm')) redirect('/worklist');
  if (can(actor.role, 'reception.read')) redirect('/reception');
  // the operator (運用管理者) sees no patients: its work is the national masters
  redirect(can(actor.role, 'patient.read') ? '/patients' : '/admin/masters');
}
