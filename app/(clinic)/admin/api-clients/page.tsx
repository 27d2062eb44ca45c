import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { AppError } from '@/lib/core/app-error';
import { listApiClients } from '@/lib/vendor-api/api-client.service';
import { apiClientCallsQuerySchema, listApiClientCalls } from '@/lib/vendor-api/api-client-calls.service';
import { listSubscriptionDeliveries } from '@/lib/vendor-api/subscription.service';
import { WebhookDeliveryLog } from '@/components/admin/webhook-delivery-log';
import { ApiClientAdmin } from '@/components/admin/api-client-admin';
import { ApiClientCalls } from '@/components/admin/api-client-calls';
import { ErrorBanner, PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: '外部連携アプリ' };

/** ?app=<client_id>&from=&to=: that app's 利用履歴 (its API calls) under the list. */
async function callsOf(raw: Record<string, string | undefined>, actor: Awaited<ReturnType<typeof requirePageActor>>) {
  if (!raw.app) return null;
  const parsed = apiClientCallsQuerySchema.safeParse({ clientId: raw.app, from: raw.from, to: raw.to });
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? '条件が正しくありません。' } as const;
  try {
    return { query: parsed.data, ...(await listApiClientCalls(parsed.data, actor)) } as const;
  } catch (e) {
    if (e instanceof AppError) return { error: e.message } as const;
    throw e;
  }
}

export default async function ApiClientsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requirePageActor('clinic.settings');
  const raw = await searchParams;
  const [apps, deliveries, calls] = await Promise.all([listApiClients(actor), listSubscriptionDeliveries(actor), callsOf(raw, actor)]);
  return (
    <div className="mx-auto max-w-4xl">
      <PageTitle>外部連携アプリ（FHIR API）</PageTitle>
      <ApiClientAdmin apps={apps} />
      {calls && (
        <div className="mt-4">
          {'error' in calls ? (
            <ErrorBanner>{calls.error}</ErrorBanner>
          ) : (
            <ApiClientCalls clientId={calls.query.clientId} appName={calls.appName} calls={calls.calls} more={calls.more} from={calls.query.from} to={calls.query.to} />
          )}
        </div>
      )}
      <div className="mt-4">
        <WebhookDeliveryLog deliveries={deliveries} apps={apps} />
      </div>
    </div>
  );
}
