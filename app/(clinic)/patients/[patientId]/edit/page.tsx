import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { loadPatientForPage } from '@/lib/web/load-patient-page';
import { PatientForm } from '@/components/patients/patient-form';
import { WithdrawRegistration } from '@/components/patients/withdraw-registration';
import { PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: '患者情報の編集' };

export default async function EditPatientPage({ params }: { params: Promise<{ patientId: string }> }) {
  const actor = await requirePageActor('patient.write');
  const { patientId } = await params;
  const patient = await loadPatientForPage(patientId, actor, 'edit');
  return (
    <div className="mx-auto max-w-5xl">
      <PageTitle>
        患者情報の編集 <span className="text-base font-normal text-slate-500">{patient.fullName}（{patient.patientNumber}）</span>
      </PageTitle>
      <PatientForm patient={patient} />
      <WithdrawRegistration patientId={patient.id} version={patient.version} />
    </div>
  );
}
