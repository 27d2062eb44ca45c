import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { listDoctorsForSlots, listSlotRules } from '@/lib/reception/appointment-slot.service';
import { SlotRulesAdmin } from '@/components/admin/slot-rules-admin';
import { Card, PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: '予約枠' };

export default async function AppointmentSlotsPage() {
  const actor = await requirePageActor('clinic.settings');
  const [rules, doctors] = await Promise.all([listSlotRules(actor), listDoctorsForSlots(actor)]);
  return (
    <div className="mx-auto max-w-3xl">
      <PageTitle>予約枠（院内設定）</PageTitle>
      <Card title="曜日・担当医ごとの予約枠">
        <p className="mb-3 text-xs text-slate-600">
          予約枠を設定した曜日・担当医の予約は、枠の時刻から選びます（満員の枠は選べません）。枠のない曜日・担当医は、これまでどおり時刻を自由に入力できます。
        </p>
        <SlotRulesAdmin rules={rules} doctors={doctors} />
      </Card>
    </div>
  );
}
