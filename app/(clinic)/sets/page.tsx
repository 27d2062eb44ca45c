import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';
import { listOrderSets } from '@/lib/sets/order-set.service';
import { OrderSetList } from '@/components/sets/order-set-list';
import { PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: 'セット一覧' };

/** セット一覧 (docs/decisions/0059): rename, edit, share and delete; each change is a new version. */
export default async function OrderSetsPage() {
  const actor = await requirePageActor();
  if (!can(actor.role, 'prescription.write') && !can(actor.role, 'clinic.settings')) forbidden();
  const sets = await listOrderSets(actor);
  return (
    <div className="mx-auto max-w-4xl">
      <PageTitle>セット一覧</PageTitle>
      <p className="mb-3 text-xs text-slate-600">
        カルテでCtrl+Kを押してセット名の一部を入力すると、傷病名・処方（下書き）・診療録の文をまとめて入力できます。新しいセットはカルテのコマンド「この受診からセットを作成」で作ります。変更するたびに新しい版になり、以前の版も残ります。
      </p>
      <OrderSetList sets={sets} canShare={can(actor.role, 'clinic.settings') || can(actor.role, 'prescription.write')} />
    </div>
  );
}
