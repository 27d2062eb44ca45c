import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';
import { loadPatientForPage } from '@/lib/web/load-patient-page';
import { PatientDemographics } from '@/components/patients/patient-demographics';
import { LinkButton, PageTitle } from '@/components/ui/ui';
import { OrcaLinkCard } from '@/components/patients/orca-link-card';
import { getOrcaPatientLink } from '@/lib/orca/orca-link.service';
import { SharingConsentCard } from './sharing-consent-card';
import { VisitHistoryCard } from './visit-history-card';
import { AppointmentPanel } from '../_panels/appointment-panel';

export const metadata: Metadata = { title: '患者情報' };

export default async function PatientProfilePage({ params }: { params: Promise<{ patientId: string }> }) {
  const actor = await requirePageActor('patient.read');
  const { patientId } = await params;
  const patient = await loadPatientForPage(patientId, actor);
  const orca = await getOrcaPatientLink(patient.id, actor);
  return (
    <div className="mx-auto max-w-5xl">
      <PageTitle
        actions={
          <>
            {can(actor.role, 'chart.read') && <LinkButton href={`/patients/${patient.id}`}>カルテ</LinkButton>}
            <LinkButton href={`/patients/${patient.id}/history`}>変更履歴</LinkButton>
            {can(actor.role, 'patient.write') && (
              <LinkButton href={`/patients/${patient.id}/edit`} variant="primary">
                編集
              </LinkButton>
            )}
          </>
        }
      >
        {patient.fullName} <span className="text-base font-normal text-slate-500">{patient.fullNameKana}</span>
      </PageTitle>
      <PatientDemographics patient={patient} />
      {orca && <OrcaLinkCard link={orca} />}
      <SharingConsentCard patientId={patient.id} actor={actor} />
      {/* 次回予約 for reception too (the 予約表 opens a booking here) */}
      {can(actor.role, 'reception.read') && <AppointmentPanel patientId={patient.id} actor={actor} patientName={patient.fullName} />}
      <VisitHistoryCard patientId={patient.id} actor={actor} />
    </div>
  );
}
