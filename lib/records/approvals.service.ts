/**
 * The 承認待ち menu's count (issue 13): how many 代行入力 notes and prescriptions wait for the signed-in doctor. A count
 * only — no patient is named, so it is not audited; the list itself (/approvals) is.
 */
import { db } from '@/lib/core/db';
import type { Principal } from '@/lib/auth/principal';
import { can } from '@/lib/permissions/permissions';
import { noteRepository } from '@/lib/records/notes/note.repository';
import { prescriptionRepository } from '@/lib/records/prescriptions/prescription.repository';

/** 0 for anyone who approves nothing. */
export async function countMyPendingApprovals(actor: Principal): Promise<number> {
  if (!can(actor.role, 'note.approve')) return 0;
  const scope = { clinicId: actor.clinicId, doctorId: actor.userId };
  const [notes, prescriptions] = await Promise.all([noteRepository.countPendingForDoctor(db(), scope), prescriptionRepository.countPendingForDoctor(db(), scope)]);
  return notes + prescriptions;
}
