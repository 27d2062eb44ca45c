import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { listClinicDrugLimits } from '@/lib/records/prescriptions/clinic-drug-limit.service';
import { DrugLimitsAdmin } from '@/components/admin/drug-limits-admin';
import { Card, PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: '薬品の上限' };

export default async function DrugLimitsPage() {
  const actor = await requirePageActor('clinic.settings');
  const limits = await listClinicDrugLimits(actor);
  return (
    <div className="mx-auto max-w-3xl">
      <PageTitle>薬品の上限（院内設定）</PageTitle>
      <Card title="薬品ごとの1日量・1処方量の上限">
        <p className="mb-3 text-xs text-slate-600">
          ここで設定した上限を超える処方は、薬品の追加時に警告し、確定には理由が必要です。麻薬・向精神薬・新医薬品の法定の投与日数上限は医薬品マスターから自動で確認されます。
        </p>
        <DrugLimitsAdmin limits={limits} />
      </Card>
    </div>
  );
}
