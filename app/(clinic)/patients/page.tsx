import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';
import { PatientSearch } from '@/components/patients/patient-search';
import { LinkButton, NoticeBanner, PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: '患者検索' };

export default async function PatientsPage({ searchParams }: { searchParams: Promise<{ withdrawn?: string }> }) {
  const actor = await requirePageActor('patient.read');
  const { withdrawn } = await searchParams;
  return (
    <div className="mx-auto max-w-6xl">
      <PageTitle actions={can(actor.role, 'patient.write') && <LinkButton href="/patients/new" variant="primary">新規患者登録</LinkButton>}>患者検索</PageTitle>
      {withdrawn === '1' && (
        <div className="mb-3">
          <NoticeBanner>患者の登録を取り消しました。</NoticeBanner>
        </div>
      )}
      <PatientSearch />
    </div>
  );
}
