import { QueryProvider } from '@/components/providers/query-provider';
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { redirect } from 'next/navigation';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';
import { loadPatientForPage } from '@/lib/web/load-patient-page';
import { latestEligibilityForPatient, openVisitToday } from '@/lib/reception/visit.service';
import { LinkButton } from '@/components/ui/ui';
import { ChartHeader } from '@/components/chart/chart-header';
import { CommandPalette } from '@/components/chart/command-palette';
import type { ChartCommandId } from '@/components/chart/chart-commands';
import { AllergyBanner } from './_panels/allergy-banner';
import { AllergyPanel } from './_panels/allergy-panel';
import { DiagnosisPanel } from './_panels/diagnosis-panel';
import { LabSummaryPanel } from './_panels/lab-summary-panel';
import { NotesTimeline } from './_panels/notes-timeline';
import { PrescriptionPanel } from './_panels/prescription-panel';
import { LabOrderPanel } from './_panels/lab-order-panel';
import { AdmissionPanel } from './_panels/admission-panel';
import { SharingStatusPanel } from './_panels/sharing-status-panel';
import { DocumentsPanel } from './_panels/documents-panel';
import { AppointmentPanel } from './_panels/appointment-panel';
import { OtherInstitutionsPanel } from './_panels/other-institutions-panel';
import { OrcaChargePreview } from '@/components/chart/orca-charge-preview';
import { isOrcaLinkedClinic } from '@/lib/orca/orca-link.service';
import { listOrderSetOptions } from '@/lib/sets/order-set.service';

export const metadata: Metadata = { title: 'カルテ' };

/** カルテ: one page per patient. Each panel (./_panels, server components) loads (and audits) its own records. */
export default async function ChartPage({ params }: { params: Promise<{ patientId: string }> }) {
  const actor = await requirePageActor('patient.read');
  const { patientId } = await params;
  if (!can(actor.role, 'chart.read')) redirect(`/patients/${patientId}/profile`);
  const patient = await loadPatientForPage(patientId, actor, 'chart');
  const eligibility = await latestEligibilityForPatient(patientId, actor);
  const orcaLinked = await isOrcaLinkedClinic(actor);
  const sets = await listOrderSetOptions(actor);
  // today's visit is a 健診 (0086): the nurse's 健診入力 is one click away
  const checkupToday = (await openVisitToday(patientId, actor))?.visitType === 'checkup';
  const commands: ChartCommandId[] = [
    ...(can(actor.role, 'note.write') ? (['new-note', 'do-note', 'vitals', 'save'] as const) : []),
    ...(can(actor.role, 'note.confirm') ? (['confirm'] as const) : []),
    ...(can(actor.role, 'diagnosis.write') ? (['add-diagnosis'] as const) : []),
    ...(can(actor.role, 'allergy.write') ? (['add-allergy'] as const) : []),
    ...(can(actor.role, 'lab.write') ? (['add-lab'] as const) : []),
    ...(can(actor.role, 'lab.order') ? (['order-lab', 'do-lab-order'] as const) : []),
    ...(can(actor.role, 'prescription.write') || can(actor.role, 'prescription.proxy') ? (['add-prescription', 'do-prescription'] as const) : []),
    ...(can(actor.role, 'document.write') ? (['new-referral'] as const) : []),
    ...(can(actor.role, 'reception.write') ? (['book-appointment'] as const) : []),
    ...(can(actor.role, 'prescription.confirm') ? (['confirm-prescription'] as const) : []),
    ...(can(actor.role, 'prescription.print') ? (['print-prescription'] as const) : []),
    ...(can(actor.role, 'prescription.write') ? (['make-set'] as const) : []),
    ...(can(actor.role, 'note.confirm') ? (['take-intake'] as const) : []),
  ];
  const links = [
    ...(can(actor.role, 'note.approve') ? [{ key: 'approvals', label: '承認待ち（代行入力）を開く', href: '/approvals' }] : []),
    ...(can(actor.role, 'note.confirm') ? [{ key: 'worklist', label: '診察待ち一覧へ', href: '/worklist' }] : []),
    ...(checkupToday ? [{ key: 'checkup', label: '健診入力を開く', href: `/patients/${patientId}/checkup` }] : []),
    { key: 'profile', label: '患者情報（保険・来院履歴・予約）を開く', href: `/patients/${patientId}/profile` },
    { key: 'prescriptions', label: '処方歴（すべて）を開く', href: `/patients/${patientId}/prescriptions` },
    ...(can(actor.role, 'reception.read') ? [{ key: 'reception', label: '受付へ', href: '/reception' }] : []),
  ];
  return (
    <QueryProvider>
    <div className="mx-auto max-w-[1400px]">
      <ChartHeader patient={patient} eligibility={eligibility} allergyBanner={<AllergyBanner patientId={patientId} actor={actor} />} actions={<CommandPalette available={commands} patientId={patientId} sets={sets} links={links} />} />
      {checkupToday && (
        <div className="mb-3 flex items-center gap-3 rounded border border-teal-200 bg-teal-50 px-3 py-2 text-sm text-teal-900" data-testid="checkup-today">
          本日は健診の受付です。
          <LinkButton href={`/patients/${patientId}/checkup`}>健診入力</LinkButton>
        </div>
      )}
      <div className="grid gap-4 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
        <div className="flex flex-col gap-4">
          <DiagnosisPanel patientId={patientId} actor={actor} />
          <AllergyPanel patientId={patientId} actor={actor} />
          <PrescriptionPanel patientId={patientId} actor={actor} />
          <LabOrderPanel patientId={patientId} actor={actor} />
          <AdmissionPanel patientId={patientId} actor={actor} />
          {orcaLinked && <OrcaChargePreview patientId={patientId} />}
          {can(actor.role, 'reception.read') && <AppointmentPanel patientId={patientId} actor={actor} patientName={patient.fullName} />}
          <LabSummaryPanel patientId={patientId} actor={actor} patient={patient} />
          <DocumentsPanel patientId={patientId} actor={actor} />
          <SharingStatusPanel patientId={patientId} actor={actor} />
          <Suspense fallback={<p className="text-sm text-slate-500">他院の情報を照会しています…</p>}>
            <OtherInstitutionsPanel patientId={patientId} actor={actor} />
          </Suspense>
        </div>
        <NotesTimeline patientId={patientId} actor={actor} />
      </div>
    </div>
    </QueryProvider>
  );
}
