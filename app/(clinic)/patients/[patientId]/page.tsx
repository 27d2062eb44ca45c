import { redirect } from 'next/navigation';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';

export default async function PatientPage({ params }: { params: Promise<{ patientId: string }> }) {
  const actor = await requirePageActor('patient.read');
  const { patientId } = await params;
  if (!can(actor.role, 'chart.read')) redirect(`/patients/${patientId}/profile`);
  redirect(`/patients/${patientId}/profile`);
}
