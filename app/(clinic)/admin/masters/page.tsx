import { QueryProvider } from '@/components/providers/query-provider';
import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { listRecentMasterImports, MASTER_KIND_LABELS } from '@/lib/masters/master-admin.service';
import { MasterImporter } from '@/components/admin/master-importer';
import { PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: 'マスター管理' };

export default async function MastersPage() {
  const actor = await requirePageActor('master.import');
  const imports = await listRecentMasterImports(actor);
  return (
    <div className="mx-auto max-w-5xl">
      <PageTitle>マスター管理</PageTitle>
      <QueryProvider>
        <MasterImporter initial={imports} kinds={Object.entries(MASTER_KIND_LABELS)} />
      </QueryProvider>
    </div>
  );
}
