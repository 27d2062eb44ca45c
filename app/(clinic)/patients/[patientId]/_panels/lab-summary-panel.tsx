import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/permissions/permissions';
import { listLatestLabs } from '@/lib/records/lab-results/lab-result.service';
import { labItemOptions } from '@/lib/records/lab-results/lab-result.dto';
import { EGFR_METHOD, EGFR_UNIT, egfrOnCollection } from '@/lib/records/lab-results/egfr';
import { Card, LinkButton } from '@/components/ui/ui';
import { LabValue } from '@/components/chart/labs/lab-flag';
import { LabQuickEntry } from '@/components/chart/labs/lab-quick-entry';
import { labOrderPanelFor } from './lab-order-data';

/** カルテの検査欄: the latest value per item (H/L marked), a link to the lab page, and the nurse's quick entry form. */
export async function LabSummaryPanel({ patientId, actor, patient }: { patientId: string; actor: Actor; patient: { birthDate: string; sex: string } }) {
  const latest = await listLatestLabs(patientId, actor);
  const canWrite = can(actor.role, 'lab.write');
  // the items of the open 検査オーダー still waiting for a result: the entry offers them in one click (0070)
  const ordered = canWrite
    ? [...new Set((await labOrderPanelFor(patientId, actor)).orders.filter((o) => o.status === 'ordered').flatMap((o) => o.items.filter((i) => !i.resultId).map((i) => i.itemKey)))]
    : [];
  const abnormal = latest.filter((l) => l.flag === 'H' || l.flag === 'L').length;
  return (
    <Card
      title={
        <span>
          検査{abnormal > 0 && <span className="ml-2 text-xs font-normal text-red-700">基準外 {abnormal}項目</span>}
        </span>
      }
      actions={<LinkButton href={`/patients/${patientId}/labs`} className="px-2 py-1 text-xs">一覧・推移</LinkButton>}
    >
      {latest.length === 0 ? (
        <p className="text-sm text-slate-500">検査結果はまだありません。</p>
      ) : (
        <table className="w-full text-sm" data-testid="lab-latest">
          <thead>
            <tr className="text-left text-xs text-slate-500">
              <th className="pb-1 font-normal">項目</th>
              <th className="pb-1 text-right font-normal">最新値</th>
              <th className="pb-1 pl-1 font-normal">単位</th>
              <th className="pb-1 text-right font-normal">採取日</th>
            </tr>
          </thead>
          <tbody>
            {latest.map((l) => {
              // eGFR next to creatinine (JSN equation, the age on the day of collection); adults only
              const egfr = l.itemKey === 'CRE' ? egfrOnCollection({ creatinineMgDl: l.valueNumber, birthDate: patient.birthDate, sex: patient.sex, collectedDate: l.collectedDate }) : null;
              return [
                <tr key={l.id} className="border-t border-slate-100">
                  <td className="py-0.5 pr-2">{l.itemName}</td>
                  <td className="py-0.5 text-right">
                    <LabValue value={l.valueDisplay} flag={l.flag} />
                  </td>
                  <td className="py-0.5 pl-1 text-xs text-slate-500">{l.unitDisplay ?? ''}</td>
                  <td className="py-0.5 text-right text-xs text-slate-500">{l.collectedDate.replaceAll('-', '/')}</td>
                </tr>,
                egfr !== null && (
                  <tr key={`${l.id}-egfr`} data-testid="lab-egfr" title={EGFR_METHOD}>
                    <td className="py-0.5 pr-2 pl-3 text-slate-600">eGFR（推算）</td>
                    <td className="py-0.5 text-right">{egfr.toFixed(1)}</td>
                    <td className="py-0.5 pl-1 text-xs text-slate-500">{EGFR_UNIT}</td>
                    <td className="py-0.5 text-right text-xs text-slate-500">Cr・年齢・性別から</td>
                  </tr>
                ),
              ];
            })}
          </tbody>
        </table>
      )}
      {canWrite && <LabQuickEntry patientId={patientId} items={labItemOptions()} ordered={ordered} />}
    </Card>
  );
}
