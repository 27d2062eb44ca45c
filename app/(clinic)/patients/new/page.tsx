import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { PatientForm } from '@/components/patients/patient-form';
import { PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: '新規患者登録' };

export default async function NewPatientPage() {
  await requirePageActor('patient.write');
  return (
    <div className="mx-auto max-w-5xl">
      <PageTitle>新規患者登録</PageTitle>
      <PatientForm />
    </div>
  );
}
