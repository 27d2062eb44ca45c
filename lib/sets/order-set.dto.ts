/** セット as the screens see them (issue 13, docs/decisions/0059). */
import type { PrescriptionItemInput } from '@/lib/records/prescriptions/prescription.schema';
import type { OrderSetDiagnosis, OrderSetNote } from './order-set.schema';
import type { LabOrderContent } from '@/lib/records/lab-orders/lab-order.schema';

/** A diagnosis of a set with the name the master gave it when the set was saved. */
export type OrderSetDiagnosisDto = OrderSetDiagnosis & { name: string };

export type OrderSetContentDto = {
  diagnoses: OrderSetDiagnosisDto[];
  items: PrescriptionItemInput[];
  outOfHouse: boolean;
  /** 検査オーダー (0070); sets saved before lab orders existed have none */
  labOrders: LabOrderContent[];
  note: OrderSetNote;
};

export type OrderSetDto = {
  /** the current version's id (an edit names it, so an edit of an outdated version is refused) */
  id: string;
  lineageId: string;
  version: number;
  name: string;
  /** true: the user's own; false: 院内共通 */
  personal: boolean;
  /** the viewer may change it */
  editable: boolean;
  content: OrderSetContentDto;
  updatedAt: string;
};

/** The palette's entry: what it shows and finds by name. */
export type OrderSetOptionDto = { id: string; name: string; personal: boolean; summary: string };

export type OrderSetVersionDto = { id: string; version: number; name: string; status: 'active' | 'deleted'; changeReason: string | null; createdAt: string; recordedByName: string | null };

/** What applying a set did: nothing here is 確定 (the prescription is a draft; see docs/decisions/0059 for diagnoses). */
export type ApplyOrderSetResultDto = {
  name: string;
  /** the draft prescription saved through savePrescription, if the set has items */
  prescriptionId: string | null;
  itemCount: number;
  diagnosesAdded: string[];
  /** 検査オーダー written (依頼済) */
  labOrderCount: number;
  /** already on the patient's list (same code, not ended): not recorded twice */
  diagnosesSkipped: string[];
  /** the note text for the open note's sections (the editor inserts it; nothing is saved by applying) */
  note: OrderSetNote;
};

export function summarizeContent(c: OrderSetContentDto): string {
  const parts: string[] = [];
  if (c.diagnoses.length) parts.push(`傷病名${c.diagnoses.length}`);
  if (c.items.length) parts.push(`処方${c.items.length}`);
  if (c.labOrders.length) parts.push(`検査${c.labOrders.length}`);
  if (Object.values(c.note).some((t) => t.trim() !== '')) parts.push('文');
  return parts.join('・');
}
