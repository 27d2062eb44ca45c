import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePageActor } from '@/lib/auth/guards';
import { AUDIT_ACTION_LABELS, AUDIT_SORT_KEYS, auditReportQuerySchema, auditEventTargetLabel, auditRoleLabel, getAuditReport, type AuditReportQuery } from '@/lib/audit/audit-report';
import { listStaff } from '@/lib/staff/staff.service';
import { formatInTimeZone } from '@/lib/core/tz';
import { Badge, Card, DownloadButton, ErrorBanner, LinkButton, PageTitle, inputClass } from '@/components/ui/ui';

export const metadata: Metadata = { title: '監査ログ' };

const SORT_LABELS: Record<(typeof AUDIT_SORT_KEYS)[number], string> = {
  occurredAt: '日時', action: '操作', userId: '職員', patientId: '患者', resourceType: '対象', outcome: '結果',
};

const qs = (q: Partial<AuditReportQuery>) =>
  new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)])).toString();

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const actor = await requirePageActor('audit.read');
  const raw = await searchParams;
  const parsed = auditReportQuerySchema.safeParse(raw);
  if (!parsed.success) {
    return (
      <div className="mx-auto max-w-6xl">
        <PageTitle>監査ログ</PageTitle>
        <ErrorBanner>検索条件が正しくありません。<Link href="/admin/audit" className="underline">条件をリセット</Link></ErrorBanner>
      </div>
    );
  }
  const q = parsed.data;
  const [{ rows, total, pageSize }, staff] = await Promise.all([getAuditReport(q, actor), listStaff(actor).catch(() => [])]);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <div className="mx-auto max-w-7xl">
      <PageTitle actions={<DownloadButton href={`/api/internal/audit-export?${qs(q)}`}>CSV出力</DownloadButton>}>監査ログ</PageTitle>
      <Card className="mb-4">
        <form className="grid grid-cols-2 items-end gap-3 md:grid-cols-6" method="get">
          <label className="text-xs">期間（開始）<input type="date" name="from" defaultValue={q.from} className={inputClass} /></label>
          <label className="text-xs">期間（終了）<input type="date" name="to" defaultValue={q.to} className={inputClass} /></label>
          <label className="text-xs">
            職員
            <select name="userId" defaultValue={q.userId ?? ''} className={inputClass}>
              <option value="">すべて</option>
              {staff.map((s) => <option key={s.id} value={s.id}>{s.displayName}</option>)}
            </select>
          </label>
          <label className="text-xs">患者<input name="patient" defaultValue={q.patient} className={inputClass} placeholder="患者番号・氏名・カナ" /></label>
          {q.patientId && <input type="hidden" name="patientId" value={q.patientId} />}
          <label className="text-xs">
            操作
            <select name="action" defaultValue={q.action ?? ''} className={inputClass}>
              <option value="">すべて</option>
              {Object.entries(AUDIT_ACTION_LABELS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
            </select>
          </label>
          <button type="submit" className="rounded bg-teal-700 px-3 py-1.5 text-sm text-white">絞り込む</button>
        </form>
      </Card>
      <p className="mb-2 text-xs text-slate-500">
        {total}件（{q.page}/{pages}ページ）
        {q.patientId && <> ・ 患者を指定中 <Link href={`/admin/audit?${qs({ ...q, patientId: undefined, page: 1 })}`} className="text-teal-700 underline">指定を外す</Link></>}
      </p>
      <div className="overflow-x-auto rounded border border-slate-200 bg-white">
        <table className="w-full text-xs">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="px-2 py-1.5">連番</th>
              {AUDIT_SORT_KEYS.map((k) => (
                <th key={k} className="px-2 py-1.5">
                  <Link href={`/admin/audit?${qs({ ...q, sort: k, dir: q.sort === k && q.dir === 'desc' ? 'asc' : 'desc', page: 1 })}`} className="hover:underline">
                    {SORT_LABELS[k]}{q.sort === k ? (q.dir === 'desc' ? ' ▼' : ' ▲') : ''}
                  </Link>
                </th>
              ))}
              <th className="px-2 py-1.5">IP</th>
            </tr>
          </thead>
          <tbody data-testid="audit-rows">
            {rows.map((r) => (
              <tr key={r.id} className="border-t border-slate-100">
                <td className="px-2 py-1 font-mono" title={r.seq ? undefined : '封印待ち（数秒で改ざん検知の連鎖に入ります）'}>{r.seq ?? '封印待ち'}</td>
                <td className="px-2 py-1 whitespace-nowrap">{formatInTimeZone(new Date(r.occurredAt), 'yyyy/MM/dd HH:mm:ss')}</td>
                <td className="px-2 py-1">{AUDIT_ACTION_LABELS[r.action] ?? r.action}</td>
                <td className="px-2 py-1">{r.userName ?? '−'}{r.userRole ? `（${auditRoleLabel(r.userRole)}）` : ''}</td>
                <td className="px-2 py-1">
                  {r.patientId ? (
                    // the period and the other filters stay; only the patient changes
                    <Link href={`/admin/audit?${qs({ ...q, patient: undefined, patientId: r.patientId, page: 1 })}`} className="text-teal-700 hover:underline" data-testid="audit-patient">
                      {r.patientNumber !== null ? `${r.patientNumber} ${r.patientName}` : '削除された患者'}
                    </Link>
                  ) : '−'}
                </td>
                <td className="px-2 py-1" title={r.rowCount > 1 ? `${r.rowCount}件の記録をまとめて表示しています（CSVでは1件ずつ出力されます）` : undefined}>{auditEventTargetLabel(r.resourceTypes)}</td>
                <td className="px-2 py-1">{r.outcome === 'success' ? <Badge tone="green">成功</Badge> : r.outcome === 'denied' ? <Badge tone="red">拒否</Badge> : <Badge tone="amber">失敗</Badge>}</td>
                <td className="px-2 py-1 font-mono">{r.ip ?? '−'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="mt-3 flex gap-2">
        {q.page > 1 && <LinkButton href={`/admin/audit?${qs({ ...q, page: q.page - 1 })}`}>前へ</LinkButton>}
        {q.page < pages && <LinkButton href={`/admin/audit?${qs({ ...q, page: q.page + 1 })}`}>次へ</LinkButton>}
      </div>
    </div>
  );
}
