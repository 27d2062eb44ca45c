import type { Principal } from '@/lib/auth/principal';
import { listVisitsForPatient } from '@/lib/reception/visit.service';
import { VISIT_STATUS_LABELS } from '@/lib/reception/visit.constants';
import { Card } from '@/components/ui/ui';

/** 来院履歴 on the patient page: every visit, newest first, with 診療科, 担当医, 初診/再診 and the state it ended in. */
export async function VisitHistoryCard({ patientId, actor }: { patientId: string; actor: Principal }) {
  const visits = await listVisitsForPatient(patientId, actor);
  return (
    <Card title={`来院履歴（${visits.length}${visits.length >= 100 ? '件以上' : '件'}）`} className="mt-4">
      {visits.length === 0 ? (
        <p className="text-sm text-slate-500">来院の記録はありません。</p>
      ) : (
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-slate-500">
            <tr><th className="py-1">来院日</th><th>受付</th><th>初診・再診</th><th>診療科</th><th>担当医</th><th>状態</th><th>受付メモ</th></tr>
          </thead>
          <tbody data-testid="visit-history">
            {visits.map((v) => (
              <tr key={v.visitId} className={`border-t border-slate-100 ${v.status === 'cancelled' ? 'text-slate-400 line-through' : ''}`}>
                <td className="py-1">{v.dateLabel}</td>
                <td className="whitespace-nowrap">{v.arrivedTime}・{v.receptionNumber}番</td>
                <td>{v.firstVisit === null ? '−' : v.firstVisit ? '初診' : '再診'}</td>
                <td>{v.departmentName ?? '−'}</td>
                <td>{v.doctorName ?? '−'}</td>
                <td>{VISIT_STATUS_LABELS[v.status]}</td>
                <td className="text-xs">{v.memo ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
