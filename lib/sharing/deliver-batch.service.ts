/**
 * Delivers a claimed batch of 報告単位 jobs together (docs/decisions/0079): the same exchange as deliverUnit (pending
 * ledger row before the request leaves, the answer after), but the bookkeeping is one transaction per chunk of the
 * batch before its requests (every pending row, every unit 送信中) and one after the batch (every accepted row, every
 * unit 送信済, every audit event), and the requests go out concurrently with a bounded pool while the next chunk is
 * prepared (its validation, with `validateAsync`, on another thread: lib/fhir/validation-threads.ts). A unit whose delivery is anything but "send new
 * content of a 6情報 unit" (a previous exchange left open, 再送待ち, a delete, new insurance, a validation error, a
 * document) is handed to deliverUnit unchanged; a request that fails is settled per unit as deliverUnit settles it.
 */
import { recordAuditEvents } from '@/lib/audit/audit';
import { db, runInTransaction } from '@/lib/core/db';
import { buildUnitBundle, isSendable, validateBundle, type FhirIssue } from '@/lib/fhir';
import { memberIdentifier } from '@/lib/fhir/patient';
import { loadClinicInput, loadUnitInputs } from '@/lib/fhir/source.repository';
import type { FhirClinicInput } from '@/lib/fhir/types';
import type { Bundle } from '@medplum/fhirtypes';
import { PermanentJobError } from '@/lib/jobs/job-errors';
import type { JobRow } from '@/lib/jobs/job.repository';
import { deliverUnit, fhirUnitRef, settleFailedExchange, SYSTEM_CTX, type DeliverOptions } from './deliver-unit.service';
import { getSharingService } from './get-sharing-service';
import type { RegisterUnitReceipt } from './sharing-service';
import { findUnitsForDelivery, isInfoUnit, markUnitsUnchanged, recordAcceptedRegisters, recordPendingRegisters, type BatchRegister, type SharingUnitRow } from './sharing-unit.repository';

export type BatchDeliverOptions = DeliverOptions & {
  /** requests in flight at once (default 16) */
  sendConcurrency?: number;
  /** units prepared (read + built + validated) at once (default 4) */
  prepareConcurrency?: number;
  /** units per chunk: a chunk is prepared while the previous one's requests are out (default 25) */
  chunkSize?: number;
  /** validation off this thread (lib/fhir/validation-threads.ts); `validate` or validateBundle on this thread otherwise */
  validateAsync?: (bundle: Bundle) => Promise<FhirIssue[]>;
};

const register = (s: Send): BatchRegister => ({ unitId: s.unit.id, pendingId: s.pendingId, identifier: s.identifier, memberId: s.member, payloadHash: s.contentHash });

type Send = { index: number; unit: SharingUnitRow; identifier: string; member: string; bundle: Bundle; contentHash: string; pendingId: string };

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/** Handles one clinic's claimed `sharing.deliver` jobs; answers per job null (done) or its error (see BatchJobHandler). */
export async function deliverUnits(jobs: Pick<JobRow, 'clinicId' | 'payload' | 'attempts' | 'maxAttempts'>[], options: BatchDeliverOptions = {}): Promise<(unknown | null)[]> {
  const outcomes: (unknown | null)[] = jobs.map(() => null);
  if (jobs.length === 0) return outcomes;
  const clock = options.clock ?? (() => new Date());
  const service = options.service ?? getSharingService();
  const clinicId = jobs[0]!.clinicId;
  if (jobs.some((j) => j.clinicId !== clinicId)) throw new Error('deliverUnits: one clinic per batch');
  const unitIdOf = (job: (typeof jobs)[number]) => (job.payload as { unitId?: string }).unitId;
  const { units, open } = await findUnitsForDelivery(clinicId, jobs.map(unitIdOf).filter((id): id is string => Boolean(id)));

  const slow: number[] = [];
  const unchanged: { index: number; unit: SharingUnitRow }[] = [];
  const now = clock();

  // the units this batch may deliver itself: anything but new content to register goes the single-unit way
  const ready: { index: number; unit: SharingUnitRow; ref: ReturnType<typeof fhirUnitRef> }[] = [];
  for (const [index, job] of jobs.entries()) {
    const unitId = unitIdOf(job);
    if (!unitId) {
      outcomes[index] = new PermanentJobError('sharing.deliver: no unitId');
      continue;
    }
    const unit = units.get(unitId);
    if (!unit || !isInfoUnit(unit) || open.has(unit.id) || unit.state === 'sending' || unit.state === 'retry_wait') slow.push(index);
    else ready.push({ index, unit, ref: fhirUnitRef(unit) });
  }
  // their records in a few queries for the whole batch (loadUnitInputs), then build and validate each
  const clinic = ready.length ? await loadClinicInput(db(), clinicId) : null;
  const inputs = clinic ? await loadUnitInputs(db(), clinicId, ready.map((r) => r.ref)) : [];
  const inputOf = new Map(ready.map((r, i) => [r.index, inputs[i] ?? null]));
  const prepare = async ({ index, unit }: (typeof ready)[number], toSend: Omit<Send, 'pendingId'>[]) => {
    const input = inputOf.get(index) ?? null;
    const built = clinic && input ? buildUnitBundle({ clinic, now, bundleIdentifier: unit.identifier }, input) : null;
    const member = input ? (memberIdentifier(input.patient)?.value ?? null) : null;
    if (!built || !member) return void slow.push(index);
    const held = Boolean(unit.identifier && unit.memberIdSent && !unit.removed);
    if (held && unit.memberIdSent !== member) return void slow.push(index);
    const issues = options.validateAsync && !options.validate ? await options.validateAsync(built.bundle) : (options.validate ?? validateBundle)(built.bundle);
    if (!isSendable(issues)) return void slow.push(index);
    if (held && unit.lastSentHash === built.contentHash) return void unchanged.push({ index, unit });
    toSend.push({ index, unit, identifier: unit.identifier ?? built.identifier, member, bundle: built.bundle, contentHash: built.contentHash });
  };

  // the requests, concurrently; a failed one is settled as deliverUnit settles it (ledger row, エラー or 再送待ち)
  const accepted: { send: Send; receipt: RegisterUnitReceipt }[] = [];
  const sendOne = async (s: Send) => {
    const job = jobs[s.index]!;
    try {
      const receipt = await service.registerUnit({ identifier: s.identifier, memberId: s.member, bundle: s.bundle, contentHash: s.contentHash });
      accepted.push({ send: s, receipt });
    } catch (error) {
      const request = { action: 'register' as const, identifier: s.identifier, memberId: s.member, payloadHash: s.contentHash };
      outcomes[s.index] = await settleFailedExchange({ ...s.unit, identifier: s.identifier }, request, s.pendingId, error, { clock, attempts: job.attempts, maxAttempts: job.maxAttempts }).catch((e: unknown) => e);
    }
  };

  // in chunks: a chunk is prepared while the previous chunk's requests are out (with validation on another thread,
  // the two run on two cores), and before a chunk's requests leave, its pending ledger rows and 送信中 are one
  // transaction
  const chunkSize = options.chunkSize ?? 25;
  let sending: Promise<void> = Promise.resolve();
  for (let start = 0; start < ready.length; start += chunkSize) {
    const toSend: Omit<Send, 'pendingId'>[] = [];
    await eachLimited(ready.slice(start, start + chunkSize), options.prepareConcurrency ?? 4, (r) => prepare(r, toSend));
    const sends: Send[] = toSend.map((s) => ({ ...s, pendingId: crypto.randomUUID() }));
    if (sends.length) {
      const at = clock();
      await runInTransaction((tx) => recordPendingRegisters(tx, clinicId, sends.map(register), at));
    }
    await sending;
    sending = eachLimited(sends, options.sendConcurrency ?? 16, sendOne);
  }
  await sending;
  await markUnitsUnchanged(clinicId, unchanged.map((u) => u.unit.id), clock());

  // the answers: every accepted row, every unit 送信済, every audit event, in one transaction
  if (accepted.length) {
    const done = clock();
    await runInTransaction(async (tx) => {
      await recordAcceptedRegisters(tx, clinicId, accepted.map(({ send, receipt }) => ({ ...register(send), answer: receipt })), done);
      await recordAuditEvents(tx, accepted.map(({ send: s }) => ({
        clinicId, action: 'export', resourceType: 'sharing_unit', resourceId: s.unit.id, patientId: s.unit.patientId,
        detail: { kind: s.unit.kind, identifier: s.identifier, contentHash: s.contentHash }, ctx: SYSTEM_CTX,
      })));
    });
  }

  // everything else, one unit at a time (rare: recovery, deletes, errors, documents)
  for (const index of slow.sort((a, b) => a - b)) {
    try {
      await deliverUnit(jobs[index]!, options);
    } catch (error) {
      outcomes[index] = error;
    }
  }
  return outcomes;
}
