import type { ApiClientCallDto } from '@/lib/vendor-api/api-client-calls.service';
import { Badge, Card, DownloadButton, LinkButton, inputClass } from '@/components/ui/ui';

const TONES = { success: 'green', failure: 'red', denied: 'amber' } as const;

/** 利用履歴 of one app: its API calls from the audit trail, newest first, with a period filter and a CSV (server-rendered). */
export function ApiClientCalls(props: {
  clientId: string;
  appName: string;
  calls: ApiClientCallDto[];
  more: boolean;
  from?: string;
  to?: string;
}) {
  const { clientId, appName, calls, more, from, to } = props;
  const csv = `/api/internal/api-client-calls?${new URLSearchParams({ clientId, ...(from ? { from } : {}), ...(to ? { to } : {}) }).toString()}`;
  return (
    <Card
      title={`利用履歴：${appName}`}
      actions={
        <>
          <DownloadButton href={csv}>CSV出力</DownloadButton>
          <LinkButton href="/admin/api-clients">閉じる</LinkButton>
        </>
      }
    >
      <div id="calls" className="p-0">
        <form className="mb-3 flex flex-wrap items-end gap-3" method="get" action="/admin/api-clients#calls">
          <input type="hidden" name="app" value={clientId} />
          <label className="text-xs">
            期間（開始）
            <input type="date" name="from" defaultValue={from} className={inputClass} />
          </label>
          <label className="text-xs">
            期間（終了）
            <input type="date" name="to" defaultValue={to} className={inputClass} />
          </label>
          <button type="submit" className="rounded bg-teal-700 px-3 py-1.5 text-sm text-white">
            絞り込む
          </button>
        </form>
        {calls.length === 0 ? (
          <p className="text-sm text-slate-500">この期間の API 利用はありません。</p>
        ) : (
          <>
            <table className="w-full text-sm" data-testid="api-client-calls">
              <thead className="text-left text-xs text-slate-500">
                <tr>
                  <th className="py-1">日時</th>
                  <th>操作</th>
                  <th>リソース</th>
                  <th>患者番号</th>
                  <th>氏名</th>
                  <th>結果</th>
                </tr>
              </thead>
              <tbody>
                {calls.map((c) => (
                  <tr key={c.id} className="border-t border-slate-100 align-top">
                    <td className="whitespace-nowrap py-1.5">{c.occurredAtText}</td>
                    <td>{c.interaction}</td>
                    <td className="text-xs">{c.resourceType}</td>
                    <td>{c.patientNumber ?? (c.patientCount > 1 ? `${c.patientCount}名` : '—')}</td>
                    <td>{c.patientName ?? ''}</td>
                    <td>
                      <Badge tone={TONES[c.outcome as keyof typeof TONES] ?? 'slate'}>{c.outcomeLabel}</Badge>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {more && <p className="mt-2 text-xs text-slate-500">新しい順に{calls.length}件を表示しています。それより前は期間を絞るか CSV で確認してください。</p>}
          </>
        )}
      </div>
    </Card>
  );
}
