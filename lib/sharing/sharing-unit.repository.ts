/**
 * SharingUnit and SharingAttempt queries (docs/decisions/0029). Every statement names the clinic. Times are parameters.
 */
import { randomUUID } from 'node:crypto';
import { db, Prisma, type Tx } from '@/lib/core/db';
import { oneOf } from '@/lib/core/text-enum';
import { enqueueJob, enqueueJobs, runQueuedJobNow } from '@/lib/jobs/job.repository';
import { ATTEMPT_OUTCOMES, DELIVER_QUEUE, UNIT_KINDS, UNIT_STATES, type AttemptOutcome, type UnitKind, type UnitState } from './sharing.constants';
import type { SharingIssue } from './sharing-service';

type Client = Tx | ReturnType<typeof db>;

export type SharingUnitRow = {
  clinicId: string;
  id: string;
  patientId: string;
  kind: UnitKind;
  labReportId: string;
  identifier: string | null;
  memberIdSent: string | null;
  lastSentHash: string | null;
  state: UnitState;
  removed: boolean;
  reason: string | null;
  issues: SharingIssue[] | null;
  changedAt: Date;
  dueBy: Date | null;
  lastAttemptAt: Date | null;
  sentAt: Date | null;
};

type Raw = Awaited<ReturnType<ReturnType<typeof db>['sharingUnit']['findFirstOrThrow']>>;
/** A SharingUnit row as the delivery reads it. */
export const toUnit = (r: Raw): SharingUnitRow => ({
  clinicId: r.clinicId,
  id: r.id,
  patientId: r.patientId,
  kind: oneOf(UNIT_KINDS, r.kind),
  labReportId: r.labReportId,
  identifier: r.identifier,
  memberIdSent: r.memberIdSent,
  lastSentHash: r.lastSentHash,
  state: oneOf(UNIT_STATES, r.state),
  removed: r.removed,
  reason: r.reason,
  issues: (r.issues as SharingIssue[] | null) ?? null,
  changedAt: r.changedAt,
  dueBy: r.dueBy,
  lastAttemptAt: r.lastAttemptAt,
  sentAt: r.sentAt,
});

/** The IG's deadline for a change: by the next morning (06:00 JST of the next day). */
export function nextMorningJst(now: Date): Date {
  const jst = new Date(now.getTime() + 9 * 3600_000);
  const next = Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth(), jst.getUTCDate() + 1, 6, 0, 0);
  return new Date(next - 9 * 3600_000);
}

/**
 * A unit changed: create or mark its row (未送信, unless a send is running: the job then reruns after it) and enqueue
 * its delivery, coalesced per unit. `dueBy` is the IG's deadline of the oldest change not yet delivered (a unit that was
 * sent, or is in エラー, starts a new one); the delivery keeps retrying until then (ADR 0042). Pass the transaction of the change (the outbox relay) to do both atomically.
 */
export async function markUnitChanged(
  client: Client,
  unit: { clinicId: string; patientId: string; kind: UnitKind; labReportId?: string },
  now: Date,
): Promise<{ unitId: string }> {
  return (await markUnitsChanged(client, unit.clinicId, [unit], now))[0]!;
}

type ChangedUnit = { patientId: string; kind: UnitKind; labReportId?: string };

/**
 * markUnitChanged for many distinct units of one clinic (the outbox relay's claimed rows) in two statements: one
 * multi-row upsert of the units, one of their delivery jobs. Answers the unit ids in the order of `units`.
 */
export async function markUnitsChanged(client: Client, clinicId: string, units: readonly ChangedUnit[], now: Date): Promise<{ unitId: string }[]> {
  if (units.length === 0) return [];
  const dueBy = nextMorningJst(now);
  const keyOf = (u: { patientId: string; kind: string; labReportId?: string }) => `${u.patientId}|${u.kind}|${u.labReportId ?? ''}`;
  // rows in key order: two relays upserting overlapping units lock them in the same order
  const sorted = [...units].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
  const values = sorted.map((u) => Prisma.sql`(${clinicId}, ${randomUUID()}, ${u.patientId}, ${u.kind}, ${u.labReportId ?? ''}, 'pending', ${now}, ${dueBy}, ${now}, ${now})`);
  const rows = await client.$queryRaw<{ id: string; patientId: string; kind: string; labReportId: string }[]>`
    INSERT INTO "SharingUnit" ("clinicId", id, "patientId", kind, "labReportId", state, "changedAt", "dueBy", "createdAt", "updatedAt")
    VALUES ${Prisma.join(values)}
    ON CONFLICT ("clinicId", "patientId", kind, "labReportId") DO UPDATE SET
      state = CASE WHEN "SharingUnit".state = 'sending' THEN 'sending' ELSE 'pending' END,
      reason = CASE WHEN "SharingUnit".state = 'sending' THEN "SharingUnit".reason ELSE NULL END,
      "changedAt" = EXCLUDED."changedAt",
      "dueBy" = CASE WHEN "SharingUnit".state IN ('sent', 'error') OR "SharingUnit"."dueBy" IS NULL THEN EXCLUDED."dueBy"
        ELSE LEAST("SharingUnit"."dueBy", EXCLUDED."dueBy") END,
      "updatedAt" = EXCLUDED."updatedAt"
    RETURNING id, "patientId", kind, "labReportId"`;
  const idOf = new Map(rows.map((r) => [keyOf(r), r.id]));
  const job = (unitId: string) => ({ clinicId, queue: DELIVER_QUEUE, key: unitId, payload: { unitId }, now, maxAttempts: 30 });
  await enqueueJobs(client, sorted.map((u) => job(idOf.get(keyOf(u))!)));
  return units.map((u) => ({ unitId: idOf.get(keyOf(u))! }));
}

export async function findUnit(clinicId: string, unitId: string, client: Client = db()): Promise<SharingUnitRow | null> {
  const r = await client.sharingUnit.findUnique({ where: { clinicId_id: { clinicId, id: unitId } } });
  return r ? toUnit(r) : null;
}

/** A 6情報 unit (not a clinical document's). */
export const isInfoUnit = (u: SharingUnitRow): u is SharingUnitRow & { kind: Exclude<UnitKind, 'document'> } => u.kind !== 'document';

/** The delivery unit of a clinical document's lineage (kind document; the lineage is its key), if it was ever sent. */
export async function findDocumentUnit(clinicId: string, patientId: string, lineageId: string, client: Client = db()): Promise<SharingUnitRow | null> {
  const r = await client.sharingUnit.findUnique({ where: { clinicId_patientId_kind_labReportId: { clinicId, patientId, kind: 'document', labReportId: lineageId } } });
  return r ? toUnit(r) : null;
}

/** The delivery units of these documents' lineages. */
export async function listDocumentUnits(clinicId: string, lineageIds: string[]): Promise<SharingUnitRow[]> {
  if (lineageIds.length === 0) return [];
  const rows = await db().sharingUnit.findMany({ where: { clinicId, kind: 'document', labReportId: { in: lineageIds } } });
  return rows.map(toUnit);
}

export async function listUnitsForPatient(clinicId: string, patientId: string): Promise<SharingUnitRow[]> {
  const rows = await db().sharingUnit.findMany({ where: { clinicId, patientId }, orderBy: [{ kind: 'asc' }, { changedAt: 'desc' }] });
  return rows.map(toUnit);
}

export async function countUnitsByState(clinicId: string): Promise<Partial<Record<UnitState, number>>> {
  const rows = await db().sharingUnit.groupBy({ by: ['state'], where: { clinicId }, _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [oneOf(UNIT_STATES, r.state), r._count._all]));
}

/** Units that need a person (エラー) or are waiting (再送待ち), oldest change first. */
export async function listUnitsNeedingAttention(clinicId: string, limit = 100): Promise<SharingUnitRow[]> {
  const rows = await db().sharingUnit.findMany({ where: { clinicId, state: { in: ['error', 'retry_wait'] } }, orderBy: { changedAt: 'asc' }, take: limit });
  return rows.map(toUnit);
}

/** Units not sent although the IG's deadline (dueBy, the next morning) has passed. */
export async function listOverdueUnits(clinicId: string, now: Date, limit = 100): Promise<SharingUnitRow[]> {
  const rows = await db().sharingUnit.findMany({ where: { clinicId, state: { in: ['pending', 'sending', 'retry_wait'] }, dueBy: { lt: now } }, orderBy: { dueBy: 'asc' }, take: limit });
  return rows.map(toUnit);
}

export type UnitUpdate = Partial<Pick<SharingUnitRow, 'identifier' | 'memberIdSent' | 'lastSentHash' | 'state' | 'removed' | 'reason' | 'lastAttemptAt' | 'sentAt'>> & {
  issues?: SharingIssue[] | null;
};

export async function updateUnit(client: Client, clinicId: string, unitId: string, update: UnitUpdate, now: Date) {
  const { issues, ...rest } = update;
  await client.sharingUnit.update({
    where: { clinicId_id: { clinicId, id: unitId } },
    data: { ...rest, ...(issues === undefined ? {} : { issues: issues === null ? Prisma.DbNull : issues }), updatedAt: now },
  });
}

export type AttemptRow = {
  id: string;
  at: Date;
  action: 'register' | 'delete';
  identifier: string;
  memberId: string;
  payloadHash: string;
  outcome: AttemptOutcome;
  answer: unknown;
  settles: string | null;
};

export async function insertAttempt(
  client: Client,
  clinicId: string,
  unitId: string,
  attempt: Omit<AttemptRow, 'id'>,
): Promise<string> {
  const id = randomUUID();
  await client.sharingAttempt.create({
    data: {
      clinicId,
      id,
      unitId,
      at: attempt.at,
      action: attempt.action,
      identifier: attempt.identifier,
      memberId: attempt.memberId,
      payloadHash: attempt.payloadHash,
      outcome: attempt.outcome,
      answer: (attempt.answer ?? undefined) as never,
      settles: attempt.settles,
    },
  });
  return id;
}

/** The ledger of a unit, newest first. */
export async function listAttempts(clinicId: string, unitId: string, limit = 50): Promise<AttemptRow[]> {
  const rows = await db().sharingAttempt.findMany({ where: { clinicId, unitId }, orderBy: { at: 'desc' }, take: limit });
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    action: r.action === 'delete' ? 'delete' : 'register',
    identifier: r.identifier,
    memberId: r.memberId,
    payloadHash: r.payloadHash,
    outcome: oneOf(ATTEMPT_OUTCOMES, r.outcome),
    answer: r.answer,
    settles: r.settles,
  }));
}

/** A pending attempt nobody settled (its worker died between the request and the answer), if the newest one is. */
export async function unsettledAttempt(clinicId: string, unitId: string): Promise<AttemptRow | null> {
  const pending = await db().sharingAttempt.findFirst({ where: { clinicId, unitId, outcome: 'pending' }, orderBy: { at: 'desc' } });
  if (!pending) return null;
  const settled = await db().sharingAttempt.count({ where: { clinicId, unitId, settles: pending.id } });
  if (settled > 0) return null;
  return (await listAttempts(clinicId, unitId, 50)).find((a) => a.id === pending.id) ?? null;
}

/**
 * A person asked for the unit to be sent again (再送, after fixing its cause): 未送信 unless a send is running, and its
 * delivery job queued to run now — a dead-lettered job is revived with fresh attempts, one waiting in backoff is due at
 * once. Same delivery path as a change; the caller passes its transaction (with the audit event).
 */
export async function requestUnitResend(tx: Tx, unit: Pick<SharingUnitRow, 'clinicId' | 'id'>, now: Date): Promise<void> {
  await tx.$executeRaw`
    UPDATE "SharingUnit" SET
      state = CASE WHEN state = 'sending' THEN 'sending' ELSE 'pending' END,
      reason = CASE WHEN state = 'sending' THEN reason ELSE NULL END,
      "updatedAt" = ${now}
    WHERE "clinicId" = ${unit.clinicId} AND id = ${unit.id}`;
  await enqueueJob(tx, { clinicId: unit.clinicId, queue: DELIVER_QUEUE, key: unit.id, payload: { unitId: unit.id }, now, maxAttempts: 30 });
  await runQueuedJobNow(tx, { clinicId: unit.clinicId, queue: DELIVER_QUEUE, key: unit.id }, now);
}

/** The kinds (and lab reports) of a patient with changes the relay has not turned into units yet (未送信). */
export async function listUnrelayedChanges(clinicId: string, patientId: string): Promise<{ kind: UnitKind; labReportId: string }[]> {
  const rows = await db().$queryRaw<{ unitKind: string; labReportId: string | null }[]>`
    SELECT DISTINCT "unitKind", "labReportId" FROM "SharingOutbox"
    WHERE "clinicId" = ${clinicId} AND "patientId" = ${patientId} AND "processedAt" IS NULL`;
  return rows.flatMap((r) => {
    const kind = UNIT_KINDS.find((k) => k === r.unitKind);
    return kind ? [{ kind, labReportId: kind === 'lab_report' ? (r.labReportId ?? '') : '' }] : [];
  });
}

export type LabReportSummary = { reportId: string; collectedAt: Date; items: number; names: string[] };

/** How staff recognise a lab report: its collection date and items (latest versions). */
export async function labReportSummaries(clinicId: string, reportIds: string[]): Promise<Map<string, LabReportSummary>> {
  if (reportIds.length === 0) return new Map();
  const rows = await db().labResult.findMany({
    where: { clinicId, reportId: { in: reportIds }, isLatest: true },
    select: { reportId: true, collectedAt: true, itemName: true },
    orderBy: [{ collectedAt: 'asc' }, { itemKey: 'asc' }],
  });
  const out = new Map<string, LabReportSummary>();
  for (const r of rows) {
    const s = out.get(r.reportId) ?? { reportId: r.reportId, collectedAt: r.collectedAt, items: 0, names: [] };
    s.items++;
    if (s.names.length < 3) s.names.push(r.itemName);
    out.set(r.reportId, s);
  }
  return out;
}

/** The number and name of the clinic's patients, for the attention list. */
export async function patientsOfUnits(clinicId: string, patientIds: string[]): Promise<Map<string, { patientNumber: number; name: string; kana: string }>> {
  if (patientIds.length === 0) return new Map();
  const rows = await db().patient.findMany({
    where: { clinicId, id: { in: [...new Set(patientIds)] } },
    select: { id: true, patientNumber: true, familyName: true, givenName: true, familyNameKana: true, givenNameKana: true },
  });
  return new Map(rows.map((p) => [p.id, { patientNumber: p.patientNumber, name: `${p.familyName} ${p.givenName}`, kana: `${p.familyNameKana} ${p.givenNameKana}` }]));
}

/** The clinic's units with these ids, and the ids of those with a pending ledger row nobody settled (the batch's read). */
export async function findUnitsForDelivery(clinicId: string, unitIds: string[]): Promise<{ units: Map<string, SharingUnitRow>; open: Set<string> }> {
  const rows = await db().sharingUnit.findMany({ where: { clinicId, id: { in: unitIds } } });
  const open = await db().$queryRaw<{ unitId: string }[]>`
    SELECT DISTINCT p."unitId" FROM "SharingAttempt" p
    WHERE p."clinicId" = ${clinicId} AND p."unitId" = ANY(${unitIds}::text[]) AND p.outcome = 'pending'
      AND NOT EXISTS (SELECT 1 FROM "SharingAttempt" s WHERE s."clinicId" = ${clinicId} AND s."unitId" = p."unitId" AND s.settles = p.id)`;
  return { units: new Map(rows.map((r) => [r.id, toUnit(r)])), open: new Set(open.map((r) => r.unitId)) };
}

/** Units whose content the service already holds: 送信済 again, in one statement. */
export async function markUnitsUnchanged(clinicId: string, unitIds: string[], now: Date) {
  if (unitIds.length === 0) return;
  await db().$executeRaw`
    UPDATE "SharingUnit" SET state = 'sent', reason = NULL, issues = NULL, "updatedAt" = ${now}
    WHERE "clinicId" = ${clinicId} AND id = ANY(${unitIds}::text[])`;
}

export type BatchRegister = { unitId: string; pendingId: string; identifier: string; memberId: string; payloadHash: string };

/**
 * A batch's ledger rows in one multi-row INSERT (Prisma's createMany costs tens of milliseconds of CPU for 100 rows; a
 * statement over arrays a few): the rows of `sends`, all with the same time, action 'register' and `outcome`; `settles`
 * and `answers` per row (null: none).
 */
async function insertRegisterAttempts(
  tx: Tx,
  clinicId: string,
  rows: { id: string; send: BatchRegister; settles: string | null; answer: unknown }[],
  outcome: AttemptOutcome,
  at: Date,
) {
  const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  await tx.$executeRaw`
    INSERT INTO "SharingAttempt" ("clinicId", id, "unitId", at, action, identifier, "memberId", "payloadHash", outcome, answer, settles)
    SELECT ${clinicId}, v.id, v.unit, ${at}, 'register', v.identifier, v.member, v.hash, ${outcome}, v.answer::jsonb, v.settles
    FROM unnest(${col((r) => r.id)}::text[], ${col((r) => r.send.unitId)}::text[], ${col((r) => r.send.identifier)}::text[],
                ${col((r) => r.send.memberId)}::text[], ${col((r) => r.send.payloadHash)}::text[],
                ${col((r) => (r.answer == null ? null : JSON.stringify(r.answer)))}::text[], ${col((r) => r.settles)}::text[])
      AS v(id, unit, identifier, member, hash, answer, settles)`;
}

/** Before a batch's requests leave: every pending ledger row and every unit 送信中 with its identifier (two statements). */
export async function recordPendingRegisters(tx: Tx, clinicId: string, sends: BatchRegister[], at: Date) {
  await insertRegisterAttempts(tx, clinicId, sends.map((s) => ({ id: s.pendingId, send: s, settles: null, answer: null })), 'pending', at);
  await tx.$executeRaw`
    UPDATE "SharingUnit" AS u SET state = 'sending', "lastAttemptAt" = ${at}, identifier = v.identifier, "updatedAt" = ${at}
    FROM unnest(${sends.map((s) => s.unitId)}::text[], ${sends.map((s) => s.identifier)}::text[]) AS v(id, identifier)
    WHERE u."clinicId" = ${clinicId} AND u.id = v.id`;
}

/** The accepted answers of a batch: every accepted ledger row (settling its pending one) and every unit 送信済. */
export async function recordAcceptedRegisters(tx: Tx, clinicId: string, accepted: (BatchRegister & { answer: unknown })[], at: Date) {
  await insertRegisterAttempts(tx, clinicId, accepted.map((s) => ({ id: randomUUID(), send: s, settles: s.pendingId, answer: s.answer })), 'accepted', at);
  await tx.$executeRaw`
    UPDATE "SharingUnit" AS u SET state = 'sent', reason = NULL, issues = NULL, removed = false, "lastSentHash" = v.hash,
      "memberIdSent" = v.member, "sentAt" = ${at}, "updatedAt" = ${at}
    FROM unnest(${accepted.map((a) => a.unitId)}::text[], ${accepted.map((a) => a.payloadHash)}::text[], ${accepted.map((a) => a.memberId)}::text[]) AS v(id, hash, member)
    WHERE u."clinicId" = ${clinicId} AND u.id = v.id`;
}
