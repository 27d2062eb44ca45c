/** 検査オーダー as the chart sees it (docs/decisions/0070). */
import type { LabOrder } from '@/lib/generated/prisma/client';
import { formatInTimeZone } from '@/lib/core/tz';
import { LAB_ITEMS_BY_KEY } from '@/lib/records/lab-results/lab-items';
import { LAB_ORDER_STATUS_LABELS, type LabOrderStatus } from './lab-order.constants';

/** The Japanese name of a 43+5 item key (the key itself when unknown). */
export const labItemName = (key: string): string => LAB_ITEMS_BY_KEY.get(key)?.nameJa ?? key;

/** One ordered item as stored in LabOrder.items: the item, its JLAC10 and the result lineage linked to it (null: none yet). */
export type LabOrderItem = { itemKey: string; jlac10: string; name: string; resultId: string | null };

export type LabOrderDto = {
  id: string;
  lineageId: string;
  version: number;
  patientId: string;
  visitId: string | null;
  status: LabOrderStatus;
  statusLabel: string;
  items: LabOrderItem[];
  /** items with a result linked / all items */
  resultCount: number;
  urgent: boolean;
  comment: string | null;
  orderedById: string;
  orderedByName: string | null;
  /** JST, 'YYYY/MM/DD HH:mm' */
  orderedAtDisplay: string;
  orderedAt: string;
  changeReason: string | null;
};

export const itemsOf = (row: Pick<LabOrder, 'items'>): LabOrderItem[] => row.items as unknown as LabOrderItem[];

export function toLabOrderDto(row: LabOrder, names: ReadonlyMap<string, string> = new Map()): LabOrderDto {
  const items = itemsOf(row);
  const status = row.status as LabOrderStatus;
  return {
    id: row.id,
    lineageId: row.lineageId,
    version: row.version,
    patientId: row.patientId,
    visitId: row.visitId,
    status,
    statusLabel: LAB_ORDER_STATUS_LABELS[status] ?? row.status,
    items,
    resultCount: items.filter((i) => i.resultId).length,
    urgent: row.urgent,
    comment: row.comment,
    orderedById: row.orderedById,
    orderedByName: names.get(row.orderedById) ?? null,
    orderedAtDisplay: formatInTimeZone(row.orderedAt, 'yyyy/MM/dd HH:mm'),
    orderedAt: row.orderedAt.toISOString(),
    changeReason: row.changeReason,
  };
}

/** The chart panel's data: the orders (open first), the item choices, and what 前回Do would order again. */
export type LabOrderPanelDto = {
  orders: LabOrderDto[];
  /** the last earlier visit's orders, as contents to order again (前回Do); empty when none */
  previous: { itemKeys: string[]; names: string[]; urgent: boolean; comment: string }[];
};
