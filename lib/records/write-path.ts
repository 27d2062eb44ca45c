/**
 * The one write path of the clinical records (issue 10 §1, docs/decisions/0020): every create, new version, 確定, 承認,
 * 取消 and flag change of a note, diagnosis, allergy, lab result, 検査オーダー (0070), prescription, clinical document (0048) or 入院 (0087) goes through these functions, inside
 * the caller's transaction. Each writes the row, ONE audit event of one shape
 * (`detail: { intent, lineageId, version, status, previousId, ...facts }`) and, for the records JP-CLINS shares
 * (diagnoses, allergies, lab reports), a sharing outbox row naming the 報告単位 that changed; the first doctor who
 * writes for a visit becomes its doctor when reception named none (Visit.doctorId), and a 確定 note moves its visit to
 * 会計待ち (lib/reception/visit-flow.ts). Services keep their rules
 * (who may, what the content is) and call this; nothing else writes those tables (write-path.int.test.ts checks).
 */
import { AppError } from '@/lib/core/app-error';
import type { Prisma, Tx } from '@/lib/core/db';
import type { Admission, Allergy, ClinicalDocument, ClinicalNote, Diagnosis, LabOrder, LabResult, Prescription } from '@/lib/generated/prisma/client';
import { recordAuditEvent, type AuditAction } from '@/lib/audit/audit';
import type { RecordWriter as Principal } from '@/lib/auth/principal';
import type { RecordStatus } from './record-version.constants';
import { notifySubscriptions } from '@/lib/vendor-api/subscription.service';
import { sharingOutboxRepository, type SharingOutboxEntry, type SharingUnit } from './sharing-outbox.repository';
import type { SharingOutboxReason } from './sharing-outbox.constants';
import { diagnosisRepository } from './diagnoses/diagnosis.repository';
import { allergyRepository } from './allergies/allergy.repository';
import { labResultRepository } from './lab-results/lab-result.repository';
import { labOrderRepository } from './lab-orders/lab-order.repository';
import { admissionRepository } from './admissions/admission.repository';
import { noteRepository } from './notes/note.repository';
import { documentRepository } from './documents/document.repository';
import { prescriptionRepository, type PrescriptionHeaderData, type PrescriptionItemData } from './prescriptions/prescription.repository';
import { visitRepository } from '@/lib/reception/visit.repository';
import { followRecordFinal } from '@/lib/reception/visit-flow';

export const RECORD_KINDS = ['note', 'diagnosis', 'allergy', 'lab_result', 'lab_order', 'prescription', 'document', 'admission'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** What a write does: a new record, an in-place edit of a draft, a new version, 確定, 承認, 取消, a flag, a discarded draft. */
export const WRITE_INTENTS = ['create', 'draft', 'version', 'confirm', 'approve', 'cancel', 'flag', 'discard'] as const;
export type WriteIntent = (typeof WRITE_INTENTS)[number];

/** The audit resourceType of each kind (unchanged from before the write path, so reports keep working). */
export const RECORD_RESOURCE_TYPES: Record<RecordKind, string> = {
  note: 'clinical_note',
  diagnosis: 'diagnosis',
  allergy: 'allergy',
  lab_result: 'lab_result',
  lab_order: 'lab_order',
  prescription: 'prescription',
  document: 'clinical_document',
  admission: 'admission',
};

const AUDIT_ACTIONS: Record<WriteIntent, AuditAction> = {
  create: 'create',
  draft: 'update',
  version: 'update',
  confirm: 'confirm',
  approve: 'approve',
  cancel: 'delete',
  flag: 'update',
  discard: 'delete',
};

type Rows = { note: ClinicalNote; diagnosis: Diagnosis; allergy: Allergy; lab_result: LabResult; lab_order: LabOrder; prescription: Prescription; document: ClinicalDocument; admission: Admission };
type Inserts = {
  note: Omit<Prisma.ClinicalNoteUncheckedCreateInput, 'clinicId'>;
  diagnosis: Omit<Prisma.DiagnosisUncheckedCreateInput, 'clinicId'>;
  allergy: Omit<Prisma.AllergyUncheckedCreateInput, 'clinicId'>;
  lab_result: Omit<Prisma.LabResultUncheckedCreateInput, 'clinicId'>;
  lab_order: Omit<Prisma.LabOrderUncheckedCreateInput, 'clinicId'>;
  prescription: { header: PrescriptionHeaderData; items: PrescriptionItemData[] };
  document: Omit<Prisma.ClinicalDocumentUncheckedCreateInput, 'clinicId'>;
  admission: Omit<Prisma.AdmissionUncheckedCreateInput, 'clinicId'>;
};

/** The columns every record version has, as the write path needs them. */
type Written = { id: string; lineageId: string; version: number; status: string; patientId: string; reportId?: string; visitId?: string | null; authorId?: string };

/** Facts for the audit detail: ids, counts, field names, flags; never clinical text. */
export type WriteFacts = Record<string, unknown>;

const concurrent = () => new AppError('CONFLICT', 'この記録は他の職員が先に更新しました。画面を再読み込みしてから操作し直してください。');

async function insertRow<K extends RecordKind>(tx: Tx, clinicId: string, kind: K, data: Inserts[K]): Promise<Rows[K]> {
  switch (kind) {
    case 'note':
      return (await noteRepository.create(tx, { ...(data as Inserts['note']), clinicId })) as Rows[K];
    case 'diagnosis':
      return (await diagnosisRepository.create(tx, { ...(data as Inserts['diagnosis']), clinicId })) as Rows[K];
    case 'allergy':
      return (await allergyRepository.create(tx, { ...(data as Inserts['allergy']), clinicId })) as Rows[K];
    case 'lab_result':
      return (await labResultRepository.create(tx, { ...(data as Inserts['lab_result']), clinicId })) as Rows[K];
    case 'lab_order':
      return (await labOrderRepository.create(tx, { ...(data as Inserts['lab_order']), clinicId })) as Rows[K];
    case 'document':
      return (await documentRepository.create(tx, { ...(data as Inserts['document']), clinicId })) as Rows[K];
    case 'admission':
      return (await admissionRepository.create(tx, { ...(data as Inserts['admission']), clinicId })) as Rows[K];
    default: {
      const { header, items } = data as Inserts['prescription'];
      return (await prescriptionRepository.create(tx, { clinicId }, header, items)) as Rows[K];
    }
  }
}

async function supersedeRow(tx: Tx, clinicId: string, kind: RecordKind, id: string): Promise<number> {
  const at = new Date();
  switch (kind) {
    case 'note':
      return (await noteRepository.supersede(tx, { clinicId, noteId: id })).count;
    case 'diagnosis':
      return (await diagnosisRepository.supersede(tx, { clinicId, id })).count;
    case 'allergy':
      return (await allergyRepository.supersede(tx, { clinicId, id })).count;
    case 'lab_result':
      return (await labResultRepository.supersede(tx, { clinicId, id }, at)).count;
    case 'lab_order':
      return (await labOrderRepository.supersede(tx, { clinicId, id }, at)).count;
    case 'document':
      return (await documentRepository.supersede(tx, { clinicId, documentId: id })).count;
    case 'admission':
      return (await admissionRepository.supersede(tx, { clinicId, id }, at)).count;
    default:
      return (await prescriptionRepository.markSuperseded(tx, { clinicId, prescriptionId: id })).count;
  }
}

/**
 * The 報告単位 (JP-CLINS sharing unit) a written version touches, for every kind. Notes and prescriptions have none on
 * purpose: they are not 6情報 and leave the clinic only inside documents (紹介状 etc., a later issue), so writing them
 * never queues a send (write-path.int.test.ts asserts it). A kind added to RECORD_KINDS must decide here.
 */
export const SHARING_UNIT_OF: Record<RecordKind, (row: Written) => SharingUnit | null> = {
  diagnosis: (row) => ({ unitKind: 'diagnoses', patientId: row.patientId }),
  allergy: (row) => ({ unitKind: 'allergies', patientId: row.patientId }),
  lab_result: (row) => (row.reportId ? { unitKind: 'lab_report', patientId: row.patientId, labReportId: row.reportId } : null),
  note: () => null,
  // an order is the clinic's own work list; the result it asked for is what JP-CLINS shares (a lab report)
  lab_order: () => null,
  prescription: () => null,
  // a document is its own unit, sent when it is 確定 (issue 11), not as a member of a patient's 6情報
  document: () => null,
  // an admission (入院, 0087) is the clinic's own record of a stay; it leaves only inside a 退院時サマリー
  admission: () => null,
};

const OUTBOX_REASONS: Partial<Record<WriteIntent, SharingOutboxReason>> = {
  create: 'create',
  version: 'version',
  confirm: 'confirm',
  approve: 'approve',
  cancel: 'cancel',
  flag: 'flag',
};

/** The audit event of one written version, in the one shape every record type shares. */
function auditOf(principal: Principal, kind: RecordKind, intent: WriteIntent, row: Written, previousId: string | null, facts?: WriteFacts) {
  return {
    clinicId: principal.clinicId,
    actor: principal,
    action: AUDIT_ACTIONS[intent],
    resourceType: RECORD_RESOURCE_TYPES[kind],
    resourceId: row.id,
    patientId: row.patientId,
    detail: { intent, lineageId: row.lineageId, version: row.version, status: row.status, previousId, ...facts },
    ctx: principal.ctx,
  };
}

/**
 * The visit's doctor (`Visit.doctorId`) when reception named none: the first doctor who writes in the chart for that
 * visit, i.e. the writer when a doctor, else the doctor a 代行入力 names. Returns the doctor set, for the audit detail.
 */
async function assignVisitDoctor(tx: Tx, principal: Principal, intent: WriteIntent, rows: readonly Written[]): Promise<string | null> {
  if (intent === 'discard' || intent === 'cancel') return null;
  const row = rows.find((r) => r.visitId);
  const doctorId = principal.role === 'doctor' ? principal.userId : row?.authorId;
  if (!row?.visitId || !doctorId) return null;
  const { count } = await visitRepository.assignDoctorIfUnset(tx, principal.clinicId, row.visitId, doctorId);
  return count === 1 ? doctorId : null;
}

/**
 * The visit follows the work (lib/reception/visit-flow.ts): a doctor's 確定 or 承認 of a note of the visit moves it to 会計待ち;
 * a prescription becoming final while the visit waits for 会計 sends its orders to ORCA again.
 */
async function followVisit(tx: Tx, principal: Principal, kind: RecordKind, intent: WriteIntent, rows: readonly Written[]) {
  if ((kind !== 'note' && kind !== 'prescription') || (intent !== 'confirm' && intent !== 'approve')) return;
  // a doctor's 確定 or 承認 ends the consultation; a nurse's own vitals record (確定 by her, 0052) does not
  if (principal.role !== 'doctor') return;
  const row = rows.find((r) => r.visitId && r.status === 'final');
  if (row?.visitId) await followRecordFinal(tx, principal, kind, row.visitId);
}

/** Audit events and outbox rows for rows just written (one outbox row per unit touched, however many rows). */
async function afterWrite(tx: Tx, principal: Principal, kind: RecordKind, intent: WriteIntent, rows: readonly Written[], previousId: string | null, facts?: WriteFacts) {
  const visitDoctorId = await assignVisitDoctor(tx, principal, intent, rows);
  const detail = visitDoctorId ? { ...facts, visitDoctorId } : facts;
  await followVisit(tx, principal, kind, intent, rows);
  for (const row of rows) await recordAuditEvent(tx, auditOf(principal, kind, intent, row, previousId, detail));
  // vendor apps' FHIR Subscriptions watch the clinic's records (drafts and 代行入力 awaiting approval are not yet)
  const recorded = rows.filter((r) => r.status === 'final' || r.status === 'entered_in_error').map((r) => r.lineageId);
  await notifySubscriptions(tx, principal.clinicId, kind, recorded);
  const reason = OUTBOX_REASONS[intent];
  if (!reason) return;
  const units = new Map<string, SharingOutboxEntry>();
  for (const row of rows) {
    // a draft or a 代行入力 awaiting approval is not the clinic's record yet
    if (row.status !== 'final' && row.status !== 'entered_in_error') continue;
    const unit = SHARING_UNIT_OF[kind](row);
    if (!unit) continue;
    const key = `${unit.unitKind}|${unit.patientId}|${'labReportId' in unit ? unit.labReportId : ''}`;
    if (!units.has(key)) units.set(key, { ...unit, reason, recordId: row.id });
  }
  if (units.size) await sharingOutboxRepository.append(tx, principal.clinicId, [...units.values()], new Date());
}

/**
 * Version 1 of a new record: row, audit event, outbox. `intent` is 'confirm' when a doctor writes it 確定 at once
 * (a prescription saved with 確定): the event is then the 確定 itself.
 */
export async function createRecord<K extends RecordKind>(
  tx: Tx,
  principal: Principal,
  kind: K,
  data: Inserts[K],
  facts?: WriteFacts,
  intent: 'create' | 'confirm' = 'create',
): Promise<Rows[K]> {
  const row = await insertRow(tx, principal.clinicId, kind, data);
  await afterWrite(tx, principal, kind, intent, [row as Written], null, facts);
  return row;
}

/** Several new records written as one change (the items of one lab entry): one audit event each, one outbox row per unit. */
export async function createRecords<K extends RecordKind>(tx: Tx, principal: Principal, kind: K, data: readonly Inserts[K][], facts?: WriteFacts): Promise<Rows[K][]> {
  const rows: Rows[K][] = [];
  for (const d of data) rows.push(await insertRow(tx, principal.clinicId, kind, d));
  await afterWrite(tx, principal, kind, 'create', rows as Written[], null, facts);
  return rows;
}

/** Several new lab results at once (a CSV import): one audit event per result, one outbox row per lab report. */
export async function createLabResults(tx: Tx, principal: Principal, rows: Omit<Prisma.LabResultCreateManyInput, 'clinicId'>[], facts?: WriteFacts): Promise<number> {
  const data = rows.map((r) => ({ ...r, clinicId: principal.clinicId }));
  const { count } = await labResultRepository.createMany(tx, data);
  await afterWrite(tx, principal, 'lab_result', 'create', data as Written[], null, facts);
  return count;
}

/**
 * Version n+1 of a lineage: the previous version stops being the latest (only if it still is: 0 rows means a
 * concurrent change came first → CONFLICT), the new row is inserted, then the audit event and outbox row.
 */
export async function appendRecordVersion<K extends RecordKind>(
  tx: Tx,
  principal: Principal,
  kind: K,
  intent: 'version' | 'confirm' | 'approve' | 'cancel' | 'flag',
  previous: Written,
  data: Inserts[K],
  facts?: WriteFacts,
): Promise<Rows[K]> {
  if ((await supersedeRow(tx, principal.clinicId, kind, previous.id)) !== 1) throw concurrent();
  const row = await insertRow(tx, principal.clinicId, kind, data);
  await afterWrite(tx, principal, kind, intent, [row as Written], previous.id, facts);
  return row;
}

/** In-place edit of a draft note or prescription (a draft is not yet the clinic's record; no outbox). */
export async function updateDraftRecord(
  tx: Tx,
  principal: Principal,
  change:
    | { kind: 'note'; current: ClinicalNote; data: Prisma.ClinicalNoteUncheckedUpdateManyInput }
    | { kind: 'prescription'; current: Prescription; header: Prisma.PrescriptionUncheckedUpdateManyInput; items: PrescriptionItemData[] }
    | { kind: 'document'; current: ClinicalDocument; data: Prisma.ClinicalDocumentUncheckedUpdateManyInput },
  facts?: WriteFacts,
): Promise<void> {
  const scope = { clinicId: principal.clinicId };
  const count =
    change.kind === 'note'
      ? (await noteRepository.updateDraft(tx, { ...scope, noteId: change.current.id }, change.data)).count
      : change.kind === 'document'
        ? (await documentRepository.updateDraft(tx, { ...scope, documentId: change.current.id }, change.data)).count
        : await prescriptionRepository.updateDraft(tx, { ...scope, prescriptionId: change.current.id }, change.header, change.items);
  if (count !== 1) throw concurrent();
  await afterWrite(tx, principal, change.kind, 'draft', [change.current], null, facts);
}

/** 確定 of a draft, or 承認 of a 代行入力: the row goes from `from` to final in place, with who and when and the hash. */
export async function finalizeRecord(
  tx: Tx,
  principal: Principal,
  intent: 'confirm' | 'approve',
  change:
    | { kind: 'note'; current: ClinicalNote; from: RecordStatus; data: Prisma.ClinicalNoteUncheckedUpdateManyInput }
    | { kind: 'prescription'; current: Prescription; from: RecordStatus; data: Prisma.PrescriptionUncheckedUpdateManyInput }
    | { kind: 'document'; current: ClinicalDocument; from: RecordStatus; data: Prisma.ClinicalDocumentUncheckedUpdateManyInput },
  facts?: WriteFacts,
): Promise<void> {
  const scope = { clinicId: principal.clinicId };
  const count =
    change.kind === 'note'
      ? (await noteRepository.finalize(tx, { ...scope, noteId: change.current.id, from: change.from }, change.data)).count
      : change.kind === 'document'
        ? (await documentRepository.finalize(tx, { ...scope, documentId: change.current.id, from: change.from }, change.data)).count
        : (await prescriptionRepository.transition(tx, { ...scope, prescriptionId: change.current.id, from: change.from }, { ...change.data, status: 'final' })).count;
  if (count !== 1) throw concurrent();
  await afterWrite(tx, principal, change.kind, intent, [{ ...change.current, status: 'final' }], null, facts);
}

/** A prescription draft that never left the doctor's hands is discarded (the only DELETE of a record row). */
export async function discardDraftPrescription(tx: Tx, principal: Principal, current: Prescription, facts?: WriteFacts): Promise<void> {
  const { count } = await prescriptionRepository.deleteDraft(tx, { clinicId: principal.clinicId, prescriptionId: current.id });
  if (count !== 1) throw concurrent();
  await afterWrite(tx, principal, 'prescription', 'discard', [current], null, facts);
}

/**
 * An outpatient visit (受付): the IG sends the patient's diagnoses and allergies on the day of the visit, so the check-in
 * transaction appends one outbox row for each of the two units (reason `visit`, the visit as the record). The relay
 * turns them into deliveries like any change; content the service already holds is not sent again (ADR 0042).
 */
export async function recordVisitForSharing(tx: Tx, principal: Principal, visit: { id: string; patientId: string }): Promise<void> {
  const base = { patientId: visit.patientId, reason: 'visit', recordId: visit.id } as const;
  await sharingOutboxRepository.append(tx, principal.clinicId, [{ unitKind: 'diagnoses', ...base }, { unitKind: 'allergies', ...base }], new Date());
}
