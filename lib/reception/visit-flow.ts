/**
 * The visit follows the work (issue 13): the clinical side moves the visit along without a click on the 受付 screen.
 * Called inside the record's transaction by the write path: the 確定 (or 承認) of the visit's note moves an open visit
 * to 会計待ち, and a prescription 確定 after that sends the visit's orders to ORCA again (a resend replaces, docs/orca.md).
 * The status change, its history row and its audit event commit with the record or not at all.
 */
import type { Tx } from '@/lib/core/db';
import { recordAuditEvent } from '@/lib/audit/audit';
import type { RecordWriter } from '@/lib/auth/principal';
import { queueOrcaMedical } from '@/lib/orca/orca-sync.service';
import { visitRepository } from './visit.repository';
import { VISIT_STATUSES, type VisitStatusValue } from './visit.constants';
import { oneOf } from '@/lib/core/text-enum';
import { notifySubscriptions } from '@/lib/vendor-api/subscription.service';

/**
 * Every step of a visit's status (受付, 診察中, 会計待ち, 完了, 取消 and back) writes its history row here, and tells the
 * vendor apps subscribed to Encounter in the same transaction (docs/decisions/0067): committed together or not at all.
 */
export async function recordVisitStatusChange(tx: Tx, data: Parameters<typeof visitRepository.addStatusChange>[1]): Promise<void> {
  await visitRepository.addStatusChange(tx, data);
  await notifySubscriptions(tx, data.clinicId, 'visit', [data.visitId]);
}

/** Statuses a visit leaves for 会計待ち when its note is 確定. */
const BEFORE_BILLING: readonly VisitStatusValue[] = ['received', 'waiting', 'in_consultation'];

/**
 * After a record of the visit became final. A note: the visit moves to 会計待ち (and ORCA gets the orders as 中途データ).
 * A prescription of a visit already in 会計待ち: the orders go again. Returns the status it moved the visit to, if any.
 */
export async function followRecordFinal(tx: Tx, principal: RecordWriter, kind: 'note' | 'prescription', visitId: string): Promise<VisitStatusValue | null> {
  const visit = await visitRepository.find(tx, principal.clinicId, visitId);
  if (!visit) return null;
  const from = oneOf(VISIT_STATUSES, visit.status);
  if (kind === 'prescription') {
    if (from === 'billing') await queueOrcaMedical(tx, principal.clinicId, visit.id);
    return null;
  }
  if (!BEFORE_BILLING.includes(from)) return null;
  const { count } = await visitRepository.updateStatusIf(tx, principal.clinicId, visit.id, from, 'billing');
  if (count !== 1) return null; // another terminal moved it at the same moment: its move stands
  await recordVisitStatusChange(tx, { clinicId: principal.clinicId, visitId: visit.id, fromStatus: from, toStatus: 'billing', changedById: principal.userId });
  await queueOrcaMedical(tx, principal.clinicId, visit.id);
  await recordAuditEvent(tx, {
    clinicId: principal.clinicId,
    actor: principal,
    action: 'update',
    resourceType: 'visit',
    resourceId: visit.id,
    patientId: visit.patientId,
    detail: { from, to: 'billing', via: 'note_confirm' },
    ctx: principal.ctx,
  });
  return 'billing';
}
