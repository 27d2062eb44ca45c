/**
 * The version chain of the coded chart records (傷病名, アレルギー): a change is based on the latest version still in
 * force, the old row is only marked superseded and version n+1 is inserted (真正性), and each 修正 / 取消 / history read
 * is audited the same way. The slices keep their own rules (who may write, what the content is) and hand in their table.
 */
import { randomUUID } from 'node:crypto';
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import type { RecordStatus } from '@/lib/records/record-version.constants';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { changedFieldNames } from './record-version';
import { appendRecordVersion, type WriteFacts } from './write-path';
import type { VersionedRecordDto, VersionedRow, VersionHistoryDto } from './versioned-record.dto';

type Client = Tx | ReturnType<typeof db>;
type Scope = { clinicId: string };

/** Version n+1 as inserted: the previous row's columns with the changes, minus what the database sets. */
export type NextVersion<Row extends VersionedRow> = Omit<Row, 'id' | 'createdAt' | 'supersededAt'>;

/** The slice's own columns of a record (what it says), without the version columns. */
export type RecordContent<Row extends VersionedRow> = Partial<Omit<Row, keyof VersionedRow>>;

/** What version n+1 changes: always a reason; maybe content, maybe the status (取消); why (the write intent) and audit facts. */
export type VersionChanges<Row extends VersionedRow> = {
  changeReason: string;
  status?: RecordStatus;
  content?: RecordContent<Row>;
  intent?: 'version' | 'cancel' | 'flag';
  facts?: WriteFacts;
};

export type VersionedStore<Row extends VersionedRow> = {
  /** the record kind of the write path (lib/records/write-path.ts), which writes every version */
  kind: 'diagnosis' | 'allergy';
  /** the audit resourceType; history reads are audited as `${resourceType}_history` */
  resourceType: string;
  /** how messages name one record: 「この{noun}は…」 */
  noun: string;
  findById: (c: Client, scope: Scope & { id: string }) => Promise<Row | null>;
  listAllVersions: (c: Client, scope: Scope & { patientId: string }) => Promise<Row[]>;
};

/** The version columns of version 1 of a new record: a new lineage, 確定 at once, recorded by the actor. */
export function firstVersion(actor: Principal, patientId: string) {
  return { clinicId: actor.clinicId, lineageId: randomUUID(), version: 1, isLatest: true, patientId, status: 'final' as const, recordedById: actor.userId };
}

const updatedByOthers = (noun: string) => new AppError('CONFLICT', `この${noun}は他の職員が先に更新しました。画面を再読み込みしてから操作し直してください。`);

/** The latest, still-valid version a change is based on. Another clinic's id is the same NOT_FOUND. */
export async function requireCurrentVersion<Row extends VersionedRow>(store: VersionedStore<Row>, tx: Tx, actor: Principal, id: string): Promise<Row> {
  const row = await store.findById(tx, { clinicId: actor.clinicId, id });
  if (!row) throw notFound();
  if (!row.isLatest) throw updatedByOthers(store.noun);
  if (row.status === 'entered_in_error') throw new AppError('PRECONDITION_FAILED', `この${store.noun}は取り消されています。`);
  return row;
}

/** Inserts version n+1 of the lineage through the write path (the previous row is only marked superseded). */
export async function appendVersion<Row extends VersionedRow>(store: VersionedStore<Row>, tx: Tx, actor: Principal, previous: Row, changes: VersionChanges<Row>): Promise<Row> {
  const { id: _id, createdAt: _c, supersededAt: _s, ...rest } = previous;
  const next = {
    ...rest,
    ...changes.content,
    status: changes.status ?? previous.status,
    changeReason: changes.changeReason,
    version: previous.version + 1,
    isLatest: true,
    recordedById: actor.userId,
  };
  const intent = changes.intent ?? (changes.status === 'entered_in_error' ? 'cancel' : 'version');
  // the store's kind decides the row type; the write path is typed per kind
  return (await appendRecordVersion(tx, actor, store.kind, intent, previous, next as never, changes.facts)) as unknown as Row;
}

/**
 * 修正: version n+1 with the content the slice derives from the previous version (it may refuse by throwing) and the
 * reason. The audit event names the changed fields, never their values.
 */
export async function reviseVersion<Row extends VersionedRow, F extends RecordContent<Row>>(
  store: VersionedStore<Row>,
  actor: Principal,
  change: { id: string; changeReason: string },
  contentFrom: (previous: Row) => F,
): Promise<Row> {
  return runInTransaction(async (tx) => {
    const previous = await requireCurrentVersion(store, tx, actor, change.id);
    const fields = contentFrom(previous);
    return appendVersion(store, tx, actor, previous, { content: fields, changeReason: change.changeReason, facts: { changedFields: changedFieldNames(fields, previous) } });
  });
}

/** 取消 (entered in error): a new version with status entered_in_error and the reason. Nothing is deleted. */
export async function retractVersion<Row extends VersionedRow>(store: VersionedStore<Row>, actor: Principal, retraction: { id: string; reason: string }): Promise<Row> {
  return runInTransaction(async (tx) => {
    const previous = await requireCurrentVersion(store, tx, actor, retraction.id);
    return appendVersion(store, tx, actor, previous, { status: 'entered_in_error', changeReason: retraction.reason, intent: 'cancel' });
  });
}

/** Every version of every record of the patient (incl. entered in error), grouped by lineage, newest activity first. */
export async function listVersionHistory<Row extends VersionedRow, D extends VersionedRecordDto>(
  store: VersionedStore<Row>,
  actor: Principal,
  patientId: string,
  toDtos: (rows: Row[]) => Promise<D[]>,
): Promise<VersionHistoryDto<D>[]> {
  await requirePermission(actor, 'chart.read');
  const patient = await patientRepository.findById(db(), { clinicId: actor.clinicId, patientId });
  if (!patient) throw notFound();
  const rows = await store.listAllVersions(db(), { clinicId: actor.clinicId, patientId });
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: `${store.resourceType}_history`, patientId, detail: { count: rows.length }, ctx: actor.ctx });
  const groups = new Map<string, D[]>();
  for (const d of await toDtos(rows)) groups.set(d.lineageId, [...(groups.get(d.lineageId) ?? []), d]);
  return [...groups.entries()]
    .map(([lineageId, versions]) => {
      versions.sort((a, b) => b.version - a.version);
      return { lineageId, latest: versions[0]!, versions };
    })
    .sort((a, b) => b.latest.createdAt.localeCompare(a.latest.createdAt));
}
