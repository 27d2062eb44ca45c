'use client';

import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import type { ApiClientDto } from '@/lib/vendor-api/api-client.dto';
import { replaySubscriptionDeliveryAction } from '@/lib/vendor-api/api-client.actions';
import type { SubscriptionDeliveryDto } from '@/lib/vendor-api/subscription.service';
import { formatDateTimeJst } from '@/lib/core/dates';
import { Badge, Button, Card, ErrorBanner, NoticeBanner } from '@/components/ui/ui';

const TONES = { delivered: 'green', pending: 'amber', failed: 'red' } as const;

/** 通知（Webhook）の配信ログ: what each app's Subscriptions sent, the endpoint's answer, and 再送. */
export function WebhookDeliveryLog({ deliveries, apps }: { deliveries: SubscriptionDeliveryDto[]; apps: ApiClientDto[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const appName = (clientId: string) => apps.find((a) => a.clientId === clientId)?.name ?? '（削除されたアプリ）';

  function replay(d: SubscriptionDeliveryDto) {
    startTransition(async () => {
      setError(null);
      const r = await replaySubscriptionDeliveryAction({ deliveryId: d.id });
      if (!r.ok) setError(r.error);
      else setNotice(`「${appName(d.appClientId)}」への通知を再送に回しました。`);
      router.refresh();
    });
  }

  return (
    <Card title="通知（Webhook）の配信ログ">
      {error && <ErrorBanner>{error}</ErrorBanner>}
      {notice && <NoticeBanner>{notice}</NoticeBanner>}
      {deliveries.length === 0 ? (
        <p className="text-sm text-slate-500">配信された通知はまだありません。アプリが Subscription を登録すると、対象の記録が保存されるたびにここに記録されます。</p>
      ) : (
        <table className="w-full text-sm" data-testid="webhook-deliveries">
          <thead className="text-left text-xs text-slate-500">
            <tr>
              <th className="py-1">日時</th>
              <th>アプリ</th>
              <th>通知先</th>
              <th>対象</th>
              <th>状態</th>
              <th>試行</th>
              <th>最終応答</th>
              <th className="text-right">操作</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id} className="border-t border-slate-100 align-top">
                <td className="py-1.5 whitespace-nowrap">{formatDateTimeJst(new Date(d.createdAt))}</td>
                <td>{appName(d.appClientId)}</td>
                <td className="max-w-[12rem] truncate font-mono text-xs" title={d.endpoint}>
                  {new URL(d.endpoint).host}
                </td>
                <td className="font-mono text-xs">{d.resource.split('/')[0]}</td>
                <td>
                  <Badge tone={TONES[d.status]}>{d.statusLabel}</Badge>
                </td>
                <td>{d.attempts}回</td>
                <td className="text-xs">{d.lastError ?? (d.lastStatus ? `HTTP ${d.lastStatus}` : '—')}</td>
                <td className="text-right">
                  <Button variant="secondary" disabled={pending} onClick={() => replay(d)}>
                    再送
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
