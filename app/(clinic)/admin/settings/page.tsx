import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { getClinicSettings } from '@/lib/staff/staff.service';
import { SettingsForm } from '@/components/admin/settings-form';
import { Card, PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: '医療機関の設定' };

export default async function SettingsPage() {
  const actor = await requirePageActor('clinic.settings');
  const settings = await getClinicSettings(actor);
  return (
    <div className="mx-auto max-w-2xl">
      <PageTitle>医療機関の設定</PageTitle>
      <Card title={`${settings.name}（医療機関番号 ${settings.institutionNumber}）`}>
        <SettingsForm
          mfaRequired={settings.mfaRequired}
          idleTimeoutMinutes={settings.idleTimeoutMinutes}
          autoPrintPrescription={settings.autoPrintPrescription}
          prescribeByGenericDefault={settings.prescribeByGenericDefault}
          hasBeds={settings.hasBeds}
        />
      </Card>
    </div>
  );
}
