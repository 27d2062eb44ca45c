import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';
import { isOrcaLinkedClinic } from '@/lib/orca/orca-link.service';
import { PatientSearch } from '@/components/patients/patient-search';
import { LinkButton, NoticeBanner, PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: '患者検索' };

export default async function PatientsPage({ searchParams }: { searchParams: Promise<{ withdrawn?: string }> }) {
  const actor = await requirePageActor('patient.read');
  const { withdrawn } = await searchParams;
  const canWrite = can(actor.role, 'patient.write');
  const orca = canWrite && (await isOrcaLinkedClinic(actor));
  return (
    <div className="mx-auto max-w-6xl">
      <PageTitle
        actions={
          canWrite && (
            <div className="flex gap-2">
              {orca && <LinkButton href="/patients/orca">ORCAで登録された患者</LinkButton>}
              <LinkButton href="/patients/new" variant="primary">新規患者登録</LinkButton>
            </div>
          )
        }
      >
        患者検索
      </PageTitle>
      {withdrawn === '1' && (
        <div className="mb-3">
          <NoticeBanner>患者の登録を取り消しました。</NoticeBanner>
        </div>
      )}
      <PatientSearch />
    </div>
  );
}
