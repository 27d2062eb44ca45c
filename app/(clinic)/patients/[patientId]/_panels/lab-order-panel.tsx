import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/permissions/permissions';
import { labOrderPanelFor } from './lab-order-data';
import { labItemOptions } from '@/lib/records/lab-results/lab-result.dto';
import { Card } from '@/components/ui/ui';
import { LabOrderWorkspace } from '@/components/chart/labs/lab-order-workspace';

/** 検査オーダー (0070): the open and recent orders (結果あり when every item has its result), ordering (Alt+T) and 前回Do. */
export async function LabOrderPanel({ patientId, actor }: { patientId: string; actor: Actor }) {
  const panel = await labOrderPanelFor(patientId, actor);
  const canOrder = can(actor.role, 'lab.order');
  if (!canOrder && panel.orders.length === 0) return null;
  const open = panel.orders.filter((o) => o.status === 'ordered').length;
  return (
    <Card
      title={
        <span>
          検査オーダー{open > 0 && <span className="ml-2 text-xs font-normal text-amber-800">依頼中 {open}件</span>}
        </span>
      }
    >
      <LabOrderWorkspace patientId={patientId} panel={panel} items={canOrder ? labItemOptions() : []} canOrder={canOrder} />
    </Card>
  );
}
