/**
 * The version chain of the coded chart records (傷病名, アレルギー): a change is based on the latest version still in
 * force, the old row is only marked superseded and version n+1 is inserted (真正性), and each 修正 / 取消 / history read
 * is audited the same way. The slices keep their own rules (who may write, what the content is) and hand in their table.
 */
import { randomUUID } from 'node:crypto';
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/guards';
import type { RecordStatus } from '@/lib/records/record-version.constants';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { changedFieldNames } from './record-version';
import type { VersionedRecordDto, VersionedRow, VersionHistoryDto } from './versioned-record.dto';

type Client = Tx | ReturnType<typeof db>;
type Scope = { clinicId: string };

/** Version n+1 as inserted: the previous row's columns with the changes, minus what the database sets. */
export type NextVersion<Row extends VersionedRow> = Omit<Row, 'id' | 'createdAt' | 'supersededAt'>;

/** The slice's own columns of a record (what it says), without the version columns. */
export type RecordContent<Row extends VersionedRow> = Partial<Omit<Row, keyof VersionedRow>>;

/** What version n+1 changes: always a reason; maybe content, maybe the status (取消). */
export type VersionChanges<Row extends VersionedRow> = { changeReason: string; status?: RecordStatus; content?: RecordContent<Row> };

export type VersionedStore<Row extends VersionedRow> = {
  /** the audit resourceType; history reads are audited as `${resourceType}_history` */
  resourceType: string;
  /** how messages name one record: 「この{noun}は…」 */
  noun: string;
  findById: (c: Client, scope: Scope & { id: string }) => Promise<Row | null>;
  /** marks the row superseded if it is still the latest; 0 rows means a concurrent change got there first */
  supersede: (tx: Tx, scope: Scope & { id: string }) => Promise<{ count: number }>;
  create: (tx: Tx, data: NextVersion<Row>) => Promise<Row>;
  listAllVersions: (c: Client, scope: Scope & { patientId: string }) => Promise<Row[]>;
};

/** The version columns of version 1 of a new record: a new lineage, 確定 at once, recorded by the actor. */
export function firstVersion(actor: Actor, patientId: string) {
  return { clinicId: actor.clinicId, lineageId: randomUUID(), version: 1, isLatest: true, patientId, status: 'final' as const, recordedById: actor.userId };
}

const updatedByOthers = (noun: string) => new AppError('CONFLICT', `この${noun}は他の職員が先に更新しました。画面を再読み込みしてから操作し直してください。`);

/** The latest, still-valid version a change is based on. Another clinic's id is the same NOT_FOUND. */
export async function requireCurrentVersion<Row extends VersionedRow>(store: VersionedStore<Row>, tx: Tx, actor: Actor, id: string): Promise<Row> {
  const row = await store.findById(tx, { clinicId: actor.clinicId, id });
  if (!row) throw notFound();
  if (!row.isLatest) throw updatedByOthers(store.noun);
  if (row.status === 'entered_in_error') throw new AppError('PRECONDITION_FAILED', `この${store.noun}は取り消されています。`);
  return row;
}

/** Inserts version n+1 of the lineage after marking the current one superseded (never an UPDATE of content). */
export async function appendVersion<Row extends VersionedRow>(store: VersionedStore<Row>, tx: Tx, actor: Actor, previous: Row, changes: VersionChanges<Row>): Promise<Row> {
  const { count } = await store.supersede(tx, { clinicId: actor.clinicId, id: previous.id });
  if (count !== 1) throw updatedByOthers(store.noun);
  const { id: _id, createdAt: _c, supersededAt: _s, ...rest } = previous;
  return store.create(tx, {
    ...rest,
    ...changes.content,
    status: changes.status ?? previous.status,
    changeReason: changes.changeReason,
    version: previous.version + 1,
    isLatest: true,
    recordedById: actor.userId,
  });
}

/**
 * 修正: version n+1 with the content the slice derives from the previous version (it may refuse by throwing) and the
 * reason. The audit event names the changed fields, never their values.
 */
export async function reviseVersion<Row extends VersionedRow, F extends RecordContent<Row>>(
  store: VersionedStore<Row>,
  actor: Actor,
  change: { id: string; changeReason: string },
  contentFrom: (previous: Row) => F,
): Promise<Row> {
  return runInTransaction(async (tx) => {
    const previous = await requireCurrentVersion(store, tx, actor, change.id);
    const fields = contentFrom(previous);
    const next = await appendVersion(store, tx, actor, previous, { content: fields, changeReason: change.changeReason });
    const changedFields = changedFieldNames(fields, previous);
    await recordAuditEvent(tx, {
      clinicId: actor.clinicId, actor, action: 'update', resourceType: store.resourceType, resourceId: next.id, patientId: next.patientId,
      detail: { lineageId: next.lineageId, version: next.version, previousId: previous.id, changedFields }, ctx: actor.ctx,
    });
    return next;
  });
}

/** 取消 (entered in error): a new version with status entered_in_error and the reason. Nothing is deleted. */
export async function retractVersion<Row extends VersionedRow>(store: VersionedStore<Row>, actor: Actor, retraction: { id: string; reason: string }): Promise<Row> {
  return runInTransaction(async (tx) => {
    const previous = await requireCurrentVersion(store, tx, actor, retraction.id);
    const next = await appendVersion(store, tx, actor, previous, { status: 'entered_in_error', changeReason: retraction.reason });
    await recordAuditEvent(tx, {
      clinicId: actor.clinicId, actor, action: 'delete', resourceType: store.resourceType, resourceId: next.id, patientId: next.patientId,
      detail: { lineageId: next.lineageId, version: next.version, previousId: previous.id, enteredInError: true }, ctx: actor.ctx,
    });
    return next;
  });
}

/** Every version of every record of the patient (incl. entered in error), grouped by lineage, newest activity first. */
export async function listVersionHistory<Row extends VersionedRow, D extends VersionedRecordDto>(
  store: VersionedStore<Row>,
  actor: Actor,
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
