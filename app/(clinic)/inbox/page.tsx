import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePageActor } from '@/lib/auth/guards';
import { formatDateTimeJst } from '@/lib/core/dates';
import { listReceivedDocuments } from '@/lib/sharing/received-documents/received-document.service';
import { Badge, Card, PageTitle } from '@/components/ui/ui';
import { FetchInboxButton } from '@/components/inbox/fetch-inbox-button';

export const metadata: Metadata = { title: '受信した紹介状' };

/** 受信した紹介状: letters other institutions sent to this clinic through the 電子カルテ情報共有サービス (audited read). */
export default async function InboxPage() {
  const actor = await requirePageActor('chart.read');
  const letters = await listReceivedDocuments(actor);
  return (
    <div className="mx-auto max-w-5xl">
      <PageTitle actions={<FetchInboxButton />}>受信した紹介状</PageTitle>
      <Card title={`${letters.length}件`}>
        {letters.length === 0 ? (
          <p className="text-sm text-slate-500">受信した紹介状はありません。</p>
        ) : (
          <table className="w-full text-sm" data-testid="inbox-list">
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs text-slate-500">
                <th className="py-1 pr-2 font-medium">受信日時</th>
                <th className="py-1 pr-2 font-medium">紹介元</th>
                <th className="py-1 pr-2 font-medium">患者（紹介状の記載）</th>
                <th className="py-1 pr-2 font-medium">紐付け</th>
                <th className="py-1 font-medium">状態</th>
              </tr>
            </thead>
            <tbody>
              {letters.map((l) => (
                <tr key={l.id} className="border-b border-slate-100 align-top">
                  <td className="py-2 pr-2 whitespace-nowrap">
                    <Link href={`/inbox/${l.id}`} className="font-medium text-teal-800 hover:underline">
                      {formatDateTimeJst(new Date(l.receivedAt))}
                    </Link>
                  </td>
                  <td className="py-2 pr-2">
                    {l.senderName ?? '（名称なし）'}
                    <span className="block text-xs text-slate-500">医療機関コード {l.senderInstitution}</span>
                  </td>
                  <td className="py-2 pr-2">
                    {l.patientName ?? '（記載なし）'}
                    {l.patientBirthDate ? <span className="block text-xs text-slate-500">{l.patientBirthDate.replaceAll('-', '/')}生</span> : null}
                  </td>
                  <td className="py-2 pr-2">{l.linkedPatient ? `${l.linkedPatient.name}（${l.linkedPatient.patientNumber}）` : <Badge tone="amber">未紐付け</Badge>}</td>
                  <td className="py-2">
                    第{l.version}版 {l.withdrawn ? <Badge tone="slate">取消（送信元）</Badge> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
