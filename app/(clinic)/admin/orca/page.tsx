import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { getOrcaAdmin } from '@/lib/orca/orca-admin.service';
import { OrcaAdmin } from '@/components/admin/orca-admin';
import { LinkButton, PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: 'レセコン連携' };

/** レセコン連携（ORCA）: the connection, the clinic's settings and the sends that need a person (docs/orca.md). */
export default async function OrcaAdminPage() {
  const actor = await requirePageActor('clinic.settings');
  const view = await getOrcaAdmin(actor);
  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-4">
      <PageTitle actions={<LinkButton href="/admin/orca">最新の状態に更新</LinkButton>}>レセコン連携（ORCA）</PageTitle>
      <OrcaAdmin view={view} />
    </div>
  );
}
