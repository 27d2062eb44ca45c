import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';
import { listSharingAttention } from '@/lib/sharing/sharing-status.service';
import { UNIT_STATES, UNIT_STATE_LABELS } from '@/lib/sharing/sharing.constants';
import { Badge, LinkButton, PageTitle } from '@/components/ui/ui';
import { SharingAttention } from '@/components/admin/sharing-attention';
import { STATE_TONE } from '@/components/chart/sharing/sharing-tones';

export const metadata: Metadata = { title: '情報共有' };

/** 情報共有の要対応: the clinic's units in エラー, 再送待ち, with a stopped job or past their deadline, with 再送. */
export default async function SharingAdminPage() {
  const actor = await requirePageActor('sharing.manage');
  const { counts, rows } = await listSharingAttention(actor);
  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-4">
      <PageTitle actions={<LinkButton href="/admin/sharing">最新の状態に更新</LinkButton>}>情報共有（電子カルテ情報共有サービス）</PageTitle>
      <div className="flex flex-wrap gap-3 text-sm" data-testid="sharing-counts">
        {UNIT_STATES.map((s) => (
          <span key={s} className="flex items-center gap-1">
            <Badge tone={STATE_TONE[s]}>{UNIT_STATE_LABELS[s]}</Badge>
            {counts[s] ?? 0}件
          </span>
        ))}
      </div>
      <p className="text-xs text-slate-600">
        エラーは記録を修正すると自動で再送されます。共有サービスの停止などで止まった送信は、原因が解消してから「再送」してください。再送待ちは自動で再送されます。
      </p>
      <SharingAttention rows={rows} canResend={can(actor.role, 'sharing.resend')} canOpenChart={can(actor.role, 'chart.read')} />
    </div>
  );
}
