import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { listApiClients } from '@/lib/vendor-api/api-client.service';
import { listSubscriptionDeliveries } from '@/lib/vendor-api/subscription.service';
import { WebhookDeliveryLog } from '@/components/admin/webhook-delivery-log';
import { ApiClientAdmin } from '@/components/admin/api-client-admin';
import { PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: '外部連携アプリ' };

export default async function ApiClientsPage() {
  const actor = await requirePageActor('clinic.settings');
  const [apps, deliveries] = await Promise.all([listApiClients(actor), listSubscriptionDeliveries(actor)]);
  return (
    <div className="mx-auto max-w-4xl">
      <PageTitle>外部連携アプリ（FHIR API）</PageTitle>
      <ApiClientAdmin apps={apps} />
      <div className="mt-4">
        <WebhookDeliveryLog deliveries={deliveries} apps={apps} />
      </div>
    </div>
  );
}
