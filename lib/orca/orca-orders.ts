/**
 * The visit's orders as ORCA 剤 (docs/orca.md "診療行為"): the 診察料 first and once (初診 111000110 for a patient's first
 * visit, else 再診 112007410), then one 剤 per Rp of the day's 確定 prescriptions with their レセ電 医薬品コード.
 * 診療種別区分 follow the レセ電 convention ORCA uses: 内服 211/212, 頓服 221/222, 外用 231/232 (院内/院外); the
 * 回数 is the days (内服), the times (頓服) or 1 (外用), each line's quantity the 1日量 (or the whole 外用 amount).
 * 処方料/処方箋料 and 加算 are left to ORCA's automatic 算定. Pure, no I/O.
 */
import type { OrcaBundle } from './orca-port';

export const FIRST_VISIT_CODE = '111000110';
export const REVISIT_CODE = '112007410';

export type OrderItem = {
  rpNumber: number;
  kind: 'internal' | 'as_needed' | 'external';
  receiptCode: string | null;
  drugName: string;
  dose: string;
  days: number | null;
  times: number | null;
};

export type OrderPrescription = { outOfHouse: boolean; items: OrderItem[] };

const CLASS: Record<OrderItem['kind'], [inHouse: string, outOfHouse: string]> = {
  internal: ['211', '212'],
  as_needed: ['221', '222'],
  external: ['231', '232'],
};
const NAME: Record<OrderItem['kind'], string> = { internal: '内服', as_needed: '頓服', external: '外用' };

/** Bundles for medicalmodv2 / acsimulatev2, and the drugs that cannot be sent (no レセ電 code) for the user to see. */
export function toOrcaBundles(input: { firstVisit: boolean; prescriptions: OrderPrescription[] }): { bundles: OrcaBundle[]; unsendable: string[] } {
  const bundles: OrcaBundle[] = [
    input.firstVisit
      ? { medicalClass: '110', name: '初診', count: 1, lines: [{ code: FIRST_VISIT_CODE, quantity: '1' }] }
      : { medicalClass: '120', name: '再診', count: 1, lines: [{ code: REVISIT_CODE, quantity: '1' }] },
  ];
  const unsendable: string[] = [];
  for (const p of input.prescriptions) {
    const rps = new Map<number, OrderItem[]>();
    for (const item of p.items) rps.set(item.rpNumber, [...(rps.get(item.rpNumber) ?? []), item]);
    for (const items of [...rps.entries()].sort(([a], [b]) => a - b).map(([, v]) => v)) {
      const first = items[0]!;
      const lines = items.filter((i) => i.receiptCode).map((i) => ({ code: i.receiptCode!, name: i.drugName, quantity: String(Number(i.dose)) }));
      unsendable.push(...items.filter((i) => !i.receiptCode).map((i) => i.drugName));
      if (!lines.length) continue;
      const count = first.kind === 'internal' ? (first.days ?? 1) : first.kind === 'as_needed' ? (first.times ?? 1) : 1;
      bundles.push({ medicalClass: CLASS[first.kind][p.outOfHouse ? 1 : 0], name: `${NAME[first.kind]}${p.outOfHouse ? '（院外）' : ''}`, count, lines });
    }
  }
  return { bundles, unsendable };
}
