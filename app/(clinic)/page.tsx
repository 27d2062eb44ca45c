import { redirect } from 'next/navigation';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';

export default async function Home() {
  const actor = await requirePageActor();
  redirect(can(actor.role, 'reception.read') ? '/reception' : '/patients');
}
