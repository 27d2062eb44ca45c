/**
 * The flows to and from ORCA (docs/orca.md "What is sent when"), one visit or one day at a time. They run in the
 * background (a job per visit), never inside a user's request: check-in only records that a 受付 is due (queueOrcaAcceptance),
 * and ORCA being down never blocks it. Each step is safe to run again:
 * - before a write the link row is marked `sending`; a step that finds it still `sending` (the answer was lost, or
 *   the process died) reads ORCA first and only resends when ORCA has nothing — ORCA's APIs have no request ids;
 * - 90 (the patient is open on an ORCA terminal) and outages come back as `retry`, refusals as `failed` with ORCA's
 *   message, K/W warnings are stored and shown.
 * Every send and read of a patient's data is audited (actor: the system).
 */
import { normaliseName, SEX_TO_ORCA } from './orca-patient-match';
import { randomUUID } from 'node:crypto';
import { recordAuditEvent } from '@/lib/audit/audit';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { dateOnly, isoDate } from '@/lib/core/dates';
import { jstParts } from '@/lib/core/tz';
import { enqueueJob } from '@/lib/jobs/job.repository';
import { getOrcaLink } from './get-orca-link';
import { ORCA_ACCEPTANCE_QUEUE, ORCA_BILLING_MAX_ATTEMPTS, ORCA_BILLING_QUEUE, ORCA_DISEASE_QUEUE, ORCA_MEDICAL_QUEUE } from './orca-queues';
import { toOrcaBundles } from './orca-orders';
import { orcaLinkRepository as repo, orcaOrdersRepository } from './orca-link.repository';
import { OrcaBusyError, OrcaRejectedError, OrcaUnavailableError, type OrcaBundle, type OrcaDisease, type OrcaLink, type OrcaWarning } from './orca-port';

export type OrcaSyncOutcome =
  | { kind: 'done'; warnings?: OrcaWarning[] }
  /** try again later (ORCA down, 他端末使用中, an answer that was lost) */
  | { kind: 'retry'; message: string }
  /** a person must act (ORCA refused the data, or the link is misconfigured) */
  | { kind: 'failed'; message: string }
  /** nothing to do (no ORCA link, nothing queued) */
  | { kind: 'skipped'; message: string };

type Deps = { link?: OrcaLink | null; now?: () => Date };


function jstTime(d: Date): string {
  const p = jstParts(d);
  return `${p.HH}:${p.mm}:${p.ss}`;
}

/** What an ORCA error means for the step: retry (outage, 90), or failed with ORCA's code and message. */
export function outcomeOf(error: unknown): OrcaSyncOutcome {
  if (error instanceof OrcaBusyError) return { kind: 'retry', message: 'ORCAで患者を開いている端末があります（他端末使用中）。自動で再送します。' };
  if (error instanceof OrcaUnavailableError) return { kind: 'retry', message: `ORCAに接続できません。自動で再送します。（${error.message}）` };
  if (error instanceof OrcaRejectedError) {
    return { kind: 'failed', message: error.configuration ? `ORCA連携の設定を確認してください（${error.code}: ${error.message}）` : `ORCAが受け付けませんでした（${error.code}: ${error.message}）` };
  }
  throw error;
}

/**
 * One write to ORCA that ORCA cannot deduplicate (it has no request ids): the 受付 and the 予約 go through it.
 * - A link left `sending` may have reached ORCA: `find` reads ORCA first and links what is there.
 * - ORCA's "already there" code (16 for a 受付, 20 for a 予約) is resolved the same way, with a warning kept.
 * - Otherwise the error's outcome is stored: `failed` for a refusal, `sending` after a lost answer (read before the
 *   next attempt), `queued` for an outage.
 */
export async function sendOnceToOrca<T>(step: {
  wasSending: boolean;
  find: () => Promise<T | undefined>;
  markSending: () => PromiseLike<unknown>;
  send: () => Promise<{ found: T; warnings: OrcaWarning[] }>;
  store: (found: T, warnings: OrcaWarning[]) => Promise<OrcaSyncOutcome>;
  alreadyThere: OrcaWarning;
  saveOutcome: (state: 'failed' | 'sending' | 'queued', message: string | null) => PromiseLike<unknown>;
}): Promise<OrcaSyncOutcome> {
  try {
    if (step.wasSending) {
      const found = await step.find();
      if (found) return step.store(found, []);
    }
    await step.markSending();
    const { found, warnings } = await step.send();
    return step.store(found, warnings);
  } catch (error) {
    if (error instanceof OrcaRejectedError && error.code === step.alreadyThere.code) {
      const found = await step.find().catch(() => undefined);
      if (found) return step.store(found, [step.alreadyThere]);
    }
    const outcome = outcomeOf(error);
    const lostAnswer = error instanceof OrcaUnavailableError && error.afterSend;
    await step.saveOutcome(outcome.kind === 'failed' ? 'failed' : lostAnswer ? 'sending' : 'queued', outcome.kind === 'done' ? null : outcome.message);
    return outcome;
  }
}

// ------------------------------------------------------------------------------------------------- patients
/**
 * ORCA's 患者番号 for an EHR patient, registering the patient in ORCA when needed. With ORCA as the numbering master
 * the patient is first searched by name and birth date (a registration whose answer was lost is found this way,
 * so it is not registered twice); with the EHR as master the EHR's number is used as ORCA's.
 * K0 (ORCA already had a patient with the same name, sex and birth date) is kept as `needs_review` and shown.
 */
export async function ensureOrcaPatient(clinicId: string, patientId: string, deps: Deps = {}): Promise<OrcaSyncOutcome & { orcaPatientId?: string }> {
  const link = deps.link === undefined ? getOrcaLink() : deps.link;
  const now = deps.now ?? (() => new Date());
  if (!link) return { kind: 'skipped', message: 'ORCA連携は設定されていません。' };
  const existing = await repo.patientLink(db(), clinicId, patientId);
  if (existing?.orcaPatientId) return { kind: 'done', orcaPatientId: existing.orcaPatientId };
  const settings = await repo.settings(db(), clinicId);
  if (!settings) return { kind: 'skipped', message: 'この医療機関はORCAと連携していません。' };
  const patient = await repo.patientForOrca(db(), clinicId, patientId);
  if (!patient) return { kind: 'failed', message: '患者が見つかりません。' };

  const name = `${patient.familyName}　${patient.givenName}`;
  const kana = `${patient.familyNameKana}　${patient.givenNameKana}`;
  const birthDate = isoDate(patient.birthDate);
  const sex = SEX_TO_ORCA[patient.sex];
  if (!sex) return saveFailedPatient(clinicId, patientId, 'ORCAには性別（男・女）が必要です。患者情報を確認してください。', now());
  const same = (p: { name: string; birthDate: string; sex: string }) => normaliseName(p.name) === normaliseName(name) && p.birthDate === birthDate && p.sex === sex;

  try {
    let orcaPatientId: string | undefined;
    let warnings: OrcaWarning[] = [];
    let combinations: unknown[] = [];
    if (settings.numberingMaster === 'ehr') {
      const wanted = String(patient.patientNumber).padStart(5, '0');
      const found = await link.getPatient(wanted);
      if (found && !same(found)) {
        return saveFailedPatient(clinicId, patientId, `ORCAの患者番号${wanted}は別の患者（${found.name}）です。`, now(), 'needs_review');
      }
      if (found) {
        orcaPatientId = found.patientId;
        combinations = found.insuranceCombinations;
      }
    } else {
      const candidates = (await link.searchPatients({ name: patient.familyName, birthDate })).filter(same);
      if (candidates.length > 1) {
        return saveFailedPatient(clinicId, patientId, `ORCAに同じ氏名・性別・生年月日の患者が${candidates.length}人います（${candidates.map((c) => c.patientId).join('、')}）。ORCAで確認してください。`, now(), 'needs_review');
      }
      if (candidates[0]) {
        const full = await link.getPatient(candidates[0].patientId);
        orcaPatientId = candidates[0].patientId;
        combinations = full?.insuranceCombinations ?? [];
      }
    }
    if (!orcaPatientId) {
      const ins = patient.insurances[0];
      const registered = await link.registerPatient({
        patientId: settings.numberingMaster === 'ehr' ? String(patient.patientNumber).padStart(5, '0') : '*',
        name,
        kana,
        birthDate,
        sex,
        zipCode: patient.postalCode?.replace(/\D/g, '') || undefined,
        address: patient.address ?? undefined,
        phone: patient.phone ?? undefined,
        insurance: ins
          ? { providerNumber: ins.insurerNumber, symbol: ins.symbol ?? undefined, number: ins.number, branch: ins.branch ?? undefined, relation: ins.relationship === 'self' ? '1' : '2' }
          : undefined,
      });
      orcaPatientId = registered.patient.patientId;
      warnings = registered.warnings;
      combinations = registered.patient.insuranceCombinations;
    }
    const message = warnings.length ? warnings.map((w) => `${w.code ? `${w.code}: ` : ''}${w.message}`).join(' / ') : null;
    await runInTransaction(async (tx) => {
      await repo.savePatientLink(tx, clinicId, patientId, { orcaPatientId, state: message ? 'needs_review' : 'linked', message, insuranceCombinations: combinations as object[], linkedAt: now() }, now());
      await recordAuditEvent(tx, { clinicId, actor: null, action: 'export', resourceType: 'orca_patient', resourceId: patientId, patientId, detail: { via: 'orca', orcaPatientId, warnings: warnings.map((w) => w.code) }, ctx: { ip: null, requestId: `orca-${randomUUID()}` } });
    });
    return { kind: 'done', orcaPatientId, warnings };
  } catch (error) {
    const outcome = outcomeOf(error);
    if (outcome.kind === 'failed') await saveFailedPatient(clinicId, patientId, outcome.message, now());
    return outcome;
  }
}

async function saveFailedPatient(clinicId: string, patientId: string, message: string, now: Date, state: 'failed' | 'needs_review' = 'failed'): Promise<OrcaSyncOutcome> {
  await repo.savePatientLink(db(), clinicId, patientId, { state, message }, now);
  return { kind: 'failed', message };
}

// ------------------------------------------------------------------------------------------------- 受付
/**
 * Records that the visit's 受付 is due in ORCA (called in check-in's transaction; the job does the sending).
 * Does nothing for a clinic without an ORCA link.
 */
export async function queueOrcaAcceptance(tx: Tx, clinicId: string, visitId: string, now = new Date()): Promise<boolean> {
  if (!(await repo.settings(tx, clinicId))) return false;
  await repo.saveVisitLink(tx, clinicId, visitId, { acceptanceState: 'queued' }, now);
  await enqueueJob(tx, { clinicId, queue: ORCA_ACCEPTANCE_QUEUE, key: visitId, payload: { visitId }, now });
  return true;
}

/** Records that the visit's 受付 must be cancelled in ORCA (取消 of the visit). */
export async function queueOrcaCancel(tx: Tx, clinicId: string, visitId: string, now = new Date()): Promise<boolean> {
  const link = await repo.visitLink(tx, clinicId, visitId);
  if (!link || link.acceptanceState === 'cancelled') return false;
  await repo.saveVisitLink(tx, clinicId, visitId, { acceptanceState: 'cancel_queued' }, now);
  await enqueueJob(tx, { clinicId, queue: ORCA_ACCEPTANCE_QUEUE, key: visitId, payload: { visitId }, now });
  return true;
}

/**
 * Sends (or cancels) the visit's 受付 in ORCA with 診療科, ドクター, 診療内容 and the 保険組合せ, explicit date and time.
 * `16` (ORCA already has this 受付) and a lost answer are resolved by reading ORCA's 受付一覧 and linking what is there.
 */
export async function syncOrcaAcceptance(clinicId: string, visitId: string, deps: Deps = {}): Promise<OrcaSyncOutcome> {
  const link = deps.link === undefined ? getOrcaLink() : deps.link;
  const now = deps.now ?? (() => new Date());
  if (!link) return { kind: 'skipped', message: 'ORCA連携は設定されていません。' };
  const row = await repo.visitLink(db(), clinicId, visitId);
  if (!row) return { kind: 'skipped', message: 'ORCAへの送信予定はありません。' };
  if (row.acceptanceState === 'cancel_queued') return cancelInOrca(clinicId, visitId, link, now);
  if (row.acceptanceState === 'sent' || row.acceptanceState === 'cancelled') return { kind: 'done' };
  const settings = await repo.settings(db(), clinicId);
  const visit = await repo.visitForOrca(db(), clinicId, visitId);
  if (!settings || !visit) return { kind: 'skipped', message: 'ORCAへの送信予定はありません。' };

  const patient = await ensureOrcaPatient(clinicId, visit.patientId, { link, now });
  if (patient.kind !== 'done') {
    await repo.saveVisitLink(db(), clinicId, visitId, { message: patient.message, attempts: row.attempts + 1, ...(patient.kind === 'failed' ? { acceptanceState: 'failed' } : {}) }, now());
    return patient;
  }
  const orcaPatientId = patient.orcaPatientId!;
  const date = isoDate(visit.visitDate);
  const time = row.acceptanceTime ?? jstTime(visit.arrivedAt);
  // ORCA's 診療科 codes are two digits, the EHR's (SS-MIX2) may be longer: their first two are sent
  const departmentCode = ((await repo.departmentCode(db(), clinicId, visit.departmentId)) ?? '01').slice(0, 2);
  const physicianCodes = (settings.physicianCodes ?? {}) as Record<string, string>;
  const physicianCode = (visit.doctorId && physicianCodes[visit.doctorId]) || settings.defaultPhysicianCode;
  const patientLink = await repo.patientLink(db(), clinicId, visit.patientId);
  const combination = row.insuranceCombinationNumber ?? ((patientLink?.insuranceCombinations as { combinationNumber?: string }[] | null)?.[0]?.combinationNumber || undefined);

  const store = async (found: { acceptanceId: string; time: string; insuranceCombinationNumber: string | null }, warnings: OrcaWarning[]) => {
    await runInTransaction(async (tx) => {
      await repo.saveVisitLink(
        tx,
        clinicId,
        visitId,
        {
          acceptanceState: 'sent',
          acceptanceId: found.acceptanceId,
          acceptanceDate: dateOnly(date),
          acceptanceTime: found.time,
          departmentCode,
          physicianCode,
          insuranceCombinationNumber: found.insuranceCombinationNumber,
          warnings: warnings as object[],
          message: warnings.length ? warnings.map((w) => `${w.code}: ${w.message}`).join(' / ') : null,
          attempts: row.attempts + 1,
        },
        now(),
      );
      await recordAuditEvent(tx, { clinicId, actor: null, action: 'export', resourceType: 'orca_acceptance', resourceId: visitId, patientId: visit.patientId, detail: { via: 'orca', acceptanceId: found.acceptanceId, warnings: warnings.map((w) => w.code) }, ctx: { ip: null, requestId: `orca-${randomUUID()}` } });
      // the day's 会計 is read back from now on (one polling job per clinic and day)
      await enqueueJob(tx, { clinicId, queue: ORCA_BILLING_QUEUE, key: date, payload: { date }, maxAttempts: ORCA_BILLING_MAX_ATTEMPTS, now: now() });
    });
    return { kind: 'done' as const, warnings };
  };
  const findInOrca = async () =>
    (await link.listAcceptances({ date, state: 'all', departmentCode })).find((a) => a.patientId === orcaPatientId && a.time.slice(0, 5) === time.slice(0, 5));

  return sendOnceToOrca({
    wasSending: row.acceptanceState === 'sending',
    find: findInOrca,
    markSending: () => repo.saveVisitLink(db(), clinicId, visitId, { acceptanceState: 'sending', acceptanceDate: dateOnly(date), acceptanceTime: time, departmentCode, physicianCode }, now()),
    send: async () => {
      const { acceptance, warnings } = await link.registerAcceptance({
        patientId: orcaPatientId,
        date,
        time,
        departmentCode,
        physicianCode,
        medicalInformation: settings.medicalInformation,
        insuranceCombinationNumber: combination,
      });
      return { found: acceptance, warnings };
    },
    store,
    alreadyThere: { code: '16', message: 'ORCAに同じ受付があったため、その受付と連携しました。' },
    saveOutcome: (acceptanceState, message) => repo.saveVisitLink(db(), clinicId, visitId, { acceptanceState, message, attempts: row.attempts + 1 }, now()),
  });
}

async function cancelInOrca(clinicId: string, visitId: string, link: OrcaLink, now: () => Date): Promise<OrcaSyncOutcome> {
  const row = (await repo.visitLink(db(), clinicId, visitId))!;
  const visit = await repo.visitForOrca(db(), clinicId, visitId);
  const patientLink = visit ? await repo.patientLink(db(), clinicId, visit.patientId) : null;
  const cancelled = async (note: string) => {
    await runInTransaction(async (tx) => {
      await repo.saveVisitLink(tx, clinicId, visitId, { acceptanceState: 'cancelled', message: null, attempts: row.attempts + 1 }, now());
      await recordAuditEvent(tx, { clinicId, actor: null, action: 'export', resourceType: 'orca_acceptance', resourceId: visitId, patientId: visit?.patientId ?? null, detail: { via: 'orca', cancelled: row.acceptanceId, note }, ctx: { ip: null, requestId: `orca-${randomUUID()}` } });
    });
    return { kind: 'done' as const };
  };
  try {
    let acceptanceId = row.acceptanceId;
    if (!acceptanceId && row.acceptanceDate && row.acceptanceTime && patientLink?.orcaPatientId) {
      // a 受付 whose answer was lost may be in ORCA all the same
      const found = (await link.listAcceptances({ date: isoDate(row.acceptanceDate), state: 'all' })).find(
        (a) => a.patientId === patientLink.orcaPatientId && a.time.slice(0, 5) === row.acceptanceTime!.slice(0, 5),
      );
      acceptanceId = found?.acceptanceId ?? null;
    }
    if (!acceptanceId || !patientLink?.orcaPatientId || !row.acceptanceDate) return cancelled('never reached ORCA');
    await link.cancelAcceptance({ patientId: patientLink.orcaPatientId, date: isoDate(row.acceptanceDate), acceptanceId });
    return cancelled('cancelled in ORCA');
  } catch (error) {
    // 17: ORCA has no such 受付 (already cancelled there)
    if (error instanceof OrcaRejectedError && error.code === '17') return cancelled('not in ORCA');
    const outcome = outcomeOf(error);
    await repo.saveVisitLink(db(), clinicId, visitId, { message: outcome.kind === 'done' ? null : outcome.message, attempts: row.attempts + 1 }, now());
    return outcome;
  }
}

// ------------------------------------------------------------------------------------------------- 会計
/**
 * Reads the day's 会計 back from ORCA for the clinic's visits (docs/orca.md): a 受付 that moved to 会計済 in
 * acceptlstv2, then incomeinfv2 for the 伝票 (請求額 = the patient's 負担額, 入金額, 点数). Visits whose 中途データ was
 * sent (or that the board moved to 会計待ち) and that ORCA has not billed yet show 会計待ち.
 */
export async function refreshOrcaBilling(clinicId: string, date: string, deps: Deps = {}): Promise<OrcaSyncOutcome & { updated?: number; open?: number }> {
  const link = deps.link === undefined ? getOrcaLink() : deps.link;
  const now = deps.now ?? (() => new Date());
  if (!link) return { kind: 'skipped', message: 'ORCA連携は設定されていません。' };
  const rows = (await repo.visitLinksForDate(db(), clinicId, dateOnly(date))).filter((r) => r.acceptanceState === 'sent' && r.billingState !== 'paid' && r.acceptanceId);
  if (!rows.length) return { kind: 'done', updated: 0, open: 0 };
  let updated = 0;
  let open = 0;
  try {
    const billed = new Map((await link.listAcceptances({ date, state: 'billed' })).map((a) => [a.acceptanceId, a]));
    for (const r of rows) {
      const account = billed.get(r.acceptanceId!);
      if (!account) {
        open++;
        const waiting = r.medicalState === 'sent' || ['billing', 'done'].includes(r.visit.status);
        if (waiting && r.billingState !== 'waiting') {
          await repo.saveVisitLink(db(), clinicId, r.visitId, { billingState: 'waiting' }, now());
          updated++;
        }
        continue;
      }
      const income = await link.getIncome({ patientId: account.patientId, performDate: date });
      const candidates = income.invoices.filter((i) => i.departmentCode === (r.departmentCode ?? i.departmentCode));
      const invoice =
        candidates.find((i) => i.insuranceCombinationNumber === r.insuranceCombinationNumber) ?? (candidates.length === 1 ? candidates[0] : undefined);
      if (!invoice) {
        open++;
        continue;
      }
      const state = invoice.paidYen >= invoice.billedYen ? 'paid' : 'billed';
      if (state !== 'paid') open++;
      if (state === r.billingState && invoice.invoiceNumber === r.invoiceNumber && invoice.paidYen === r.paidYen) continue;
      await runInTransaction(async (tx) => {
        await repo.saveVisitLink(
          tx,
          clinicId,
          r.visitId,
          { billingState: state, invoiceNumber: invoice.invoiceNumber, totalPoints: Math.round(invoice.totalPoints), billedYen: invoice.billedYen, paidYen: invoice.paidYen, accountTime: account.accountTime },
          now(),
        );
        await recordAuditEvent(tx, { clinicId, actor: null, action: 'read', resourceType: 'orca_income', resourceId: r.visitId, patientId: r.visit.patientId, detail: { via: 'orca', invoiceNumber: invoice.invoiceNumber }, ctx: { ip: null, requestId: `orca-${randomUUID()}` } });
      });
      updated++;
    }
    return { kind: 'done', updated, open };
  } catch (error) {
    return { ...outcomeOf(error), updated, open };
  }
}


// ------------------------------------------------------------------------------------------------- 診療行為
/**
 * Records that the visit's orders must go to ORCA as 中途データ (the visit moved to 会計待ち after the doctor's 確定);
 * a second time replaces what was sent (re-確定).
 */
export async function queueOrcaMedical(tx: Tx, clinicId: string, visitId: string, now = new Date()): Promise<boolean> {
  const link = await repo.visitLink(tx, clinicId, visitId);
  if (!link || ['cancel_queued', 'cancelled'].includes(link.acceptanceState)) return false;
  await repo.saveVisitLink(tx, clinicId, visitId, { medicalState: 'queued' }, now);
  await enqueueJob(tx, { clinicId, queue: ORCA_MEDICAL_QUEUE, key: visitId, payload: { visitId }, now });
  // the patient's 病名 go with it (their own job: a 病名 problem does not hold back the 中途データ)
  const visit = await repo.visitDay(tx, clinicId, visitId);
  if (visit) await enqueueJob(tx, { clinicId, queue: ORCA_DISEASE_QUEUE, key: visit.patientId, payload: { patientId: visit.patientId, date: isoDate(visit.visitDate) }, now });
  return true;
}

/** The visit's orders as ORCA 剤, from the database (the day's 確定 prescriptions; `includeDrafts` for the preview). */
export async function orcaBundlesForVisit(clinicId: string, visit: { patientId: string; visitDate: Date; firstVisit?: boolean | null }, includeDrafts = false): Promise<{ bundles: OrcaBundle[]; unsendable: string[] }> {
  const [prescriptions, earlier] = await Promise.all([
    orcaOrdersRepository.prescriptionsOn(db(), clinicId, visit.patientId, visit.visitDate, includeDrafts),
    orcaOrdersRepository.hasEarlierVisit(db(), clinicId, visit.patientId, visit.visitDate),
  ]);
  return toOrcaBundles({
    // 初診/再診 as reception stated it at check-in; else from the patient's earlier visits
    firstVisit: visit.firstVisit ?? !earlier,
    prescriptions: prescriptions.map((p) => ({
      outOfHouse: p.outOfHouse,
      items: p.items.map((i) => ({ rpNumber: i.rpNumber, kind: i.kind as 'internal', receiptCode: i.receiptCode, drugName: i.drugName, dose: i.dose.toString(), days: i.days, times: i.times })),
    })),
  });
}

/**
 * Sends the visit's orders to ORCA as 中途データ (medicalmodv2 class 01), or replaces the one sent before (class 03
 * with the stored Medical_Uid; ORCA returns a new one). After a lost answer it reads tmedicalgetv2 first. An entry ORCA
 * staff have opened or re-saved cannot be replaced: the visit says so and a person finishes it in ORCA.
 */
export async function syncOrcaMedical(clinicId: string, visitId: string, deps: Deps = {}): Promise<OrcaSyncOutcome> {
  const link = deps.link === undefined ? getOrcaLink() : deps.link;
  const now = deps.now ?? (() => new Date());
  if (!link) return { kind: 'skipped', message: 'ORCA連携は設定されていません。' };
  const row = await repo.visitLink(db(), clinicId, visitId);
  if (!row || !['queued', 'sending'].includes(row.medicalState)) return { kind: 'done' };
  if (row.acceptanceState !== 'sent') return { kind: 'retry', message: 'ORCAへの受付の送信を待っています。' };
  const visit = await repo.visitForOrca(db(), clinicId, visitId);
  const patientLink = visit ? await repo.patientLink(db(), clinicId, visit.patientId) : null;
  if (!visit || !patientLink?.orcaPatientId) return { kind: 'retry', message: 'ORCAへの患者登録を待っています。' };
  const orcaPatientId = patientLink.orcaPatientId;
  const date = isoDate(visit.visitDate);
  const departmentCode = row.departmentCode ?? '01';
  const physicianCode = row.physicianCode ?? '10001';
  const { bundles, unsendable } = await orcaBundlesForVisit(clinicId, visit);

  const store = async (medicalUid: string, warnings: OrcaWarning[], notes: string[]) => {
    const messages = [
      ...notes,
      ...warnings.map((w) => `${w.code}: ${w.message}`),
      ...(unsendable.length ? [`レセ電コードがないため送れなかった薬剤: ${unsendable.join('、')}`] : []),
    ];
    await runInTransaction(async (tx) => {
      await repo.saveVisitLink(
        tx,
        clinicId,
        visitId,
        {
          medicalState: 'sent',
          medicalUid,
          medicalSentAt: now(),
          billingState: row.billingState === 'none' ? 'waiting' : row.billingState,
          warnings: warnings as object[],
          message: messages.length ? messages.join(' / ') : null,
          attempts: row.attempts + 1,
        },
        now(),
      );
      await recordAuditEvent(tx, { clinicId, actor: null, action: 'export', resourceType: 'orca_medical', resourceId: visitId, patientId: visit.patientId, detail: { via: 'orca', medicalUid, replaced: row.medicalUid, bundles: bundles.length, warnings: warnings.map((w) => w.code) }, ctx: { ip: null, requestId: `orca-${randomUUID()}` } });
      await enqueueJob(tx, { clinicId, queue: ORCA_BILLING_QUEUE, key: date, payload: { date }, maxAttempts: ORCA_BILLING_MAX_ATTEMPTS, now: now() });
    });
    return { kind: 'done' as const, warnings };
  };

  try {
    if (row.medicalState === 'sending') {
      // the previous attempt may have reached ORCA: a new UID for this patient, day and 診療科 means it did
      const pending = await link.listPendingMedical({ performDate: date, patientId: orcaPatientId, departmentCode });
      const arrived = pending.find((p) => p.medicalUid && p.medicalUid !== row.medicalUid);
      const oldStillThere = !row.medicalUid || pending.some((p) => p.medicalUid === row.medicalUid);
      if (arrived && (!row.medicalUid || !oldStillThere)) return store(arrived.medicalUid!, [], ['送信結果をORCAから読み取りました']);
    }
    await repo.saveVisitLink(db(), clinicId, visitId, { medicalState: 'sending' }, now());
    const sent = await link.sendMedical({
      patientId: orcaPatientId,
      performDate: date,
      performTime: jstTime(now()),
      departmentCode,
      physicianCode,
      insuranceCombinationNumber: row.insuranceCombinationNumber ?? '0001',
      bundles,
      replaceUid: row.medicalUid ?? undefined,
    });
    return store(sent.medicalUid, sent.warnings, sent.sameDayExists ? ['ORCAに同じ日の診療データが既にあります。ORCAで確認してください'] : []);
  } catch (error) {
    let outcome = outcomeOf(error);
    if (error instanceof OrcaRejectedError && ['31', '32', '33'].includes(error.code)) {
      outcome = { kind: 'failed', message: `ORCAで既に開かれたか確定されたため、診療データを置き換えられません（${error.code}）。ORCAで修正してください。` };
    }
    const lostAnswer = error instanceof OrcaUnavailableError && error.afterSend;
    await repo.saveVisitLink(
      db(),
      clinicId,
      visitId,
      { medicalState: outcome.kind === 'failed' ? 'failed' : lostAnswer ? 'sending' : 'queued', message: outcome.kind === 'done' ? null : outcome.message, attempts: row.attempts + 1 },
      now(),
    );
    return outcome;
  }
}

// ------------------------------------------------------------------------------------------------- 病名
type DiagnosisRow = Awaited<ReturnType<typeof orcaOrdersRepository.latestDiagnoses>>[number];

/** An EHR 病名 as ORCA's 単独病名 parts: prefix 修飾語 (ZZZ + code), the 傷病名コード, suffix 修飾語 (の疑い = ZZZ8002). */
export function toOrcaDisease(d: DiagnosisRow): OrcaDisease {
  const modifiers = (d.modifiers as { code?: string; position?: string }[] | null) ?? [];
  const mod = (position: string) => modifiers.filter((m) => m.code && m.position === position).map((m) => `ZZZ${m.code}`);
  const singleCodes = d.diseaseCode ? [...mod('prefix'), d.diseaseCode, ...mod('suffix')] : [];
  return {
    singleCodes,
    name: d.displayName,
    startDate: isoDate(d.startDate),
    endDate: d.endDate ? isoDate(d.endDate) : null,
    outcome: d.status === 'entered_in_error' ? 'deleted' : ((d.outcome as OrcaDisease['outcome']) ?? null),
    suspected: d.isSuspected,
    primary: d.isPrimary,
  };
}

/**
 * Sends the patient's 病名 to ORCA (diseasev3) — added, changed, ended (転帰) and withdrawn (O = delete, exact match) —
 * for the month of `date`, and keeps ORCA's answer on the patient's link: warnings (W01 廃止・移行先), rows ORCA refused,
 * and the 病名 that only ORCA has (Disease_Unmatch_Info), so a person reconciles them. Safe to resend: ORCA matches 病名
 * on their content, not on an id.
 */
export async function syncOrcaDiseases(clinicId: string, patientId: string, date: string, deps: Deps = {}): Promise<OrcaSyncOutcome> {
  const link = deps.link === undefined ? getOrcaLink() : deps.link;
  const now = deps.now ?? (() => new Date());
  if (!link) return { kind: 'skipped', message: 'ORCA連携は設定されていません。' };
  const patientLink = await repo.patientLink(db(), clinicId, patientId);
  if (!patientLink?.orcaPatientId) return { kind: 'retry', message: 'ORCAへの患者登録を待っています。' };
  const month = date.slice(0, 7);
  const rows = (await orcaOrdersRepository.latestDiagnoses(db(), clinicId, patientId)).filter(
    (d) => isoDate(d.startDate) <= `${month}-31` && (!d.endDate || isoDate(d.endDate) >= `${month}-01`),
  );
  if (!rows.length) return { kind: 'done' };
  const diseases = rows.map(toOrcaDisease);
  try {
    const result = await link.writeDiseases({ patientId: patientLink.orcaPatientId, baseMonth: month, performDate: date, departmentCode: rows[0]!.departmentCode?.slice(0, 2) || '01', diseases });
    // E36 on a withdrawal: ORCA never had it — nothing to reconcile
    const rejected = result.rejected.filter((r) => !(r.code === 'E36' && r.position && diseases[r.position - 1]?.outcome === 'deleted'));
    const name = (pos: number | null) => (pos ? (diseases[pos - 1]?.name ?? '') : '');
    const notes = [
      ...result.warnings.map((w) => `病名「${name(w.position)}」${w.code}: ${w.message}`),
      ...rejected.map((r) => `病名「${name(r.position)}」がORCAに登録できません（${r.code}: ${r.message}）`),
      ...(result.unmatched.length ? [`ORCAにだけある病名: ${result.unmatched.map((u) => `${u.name}（${u.startDate}〜）`).join('、')}`] : []),
    ];
    await runInTransaction(async (tx) => {
      await repo.savePatientLink(tx, clinicId, patientId, { state: notes.length ? 'needs_review' : 'linked', message: notes.length ? notes.join(' / ') : null }, now());
      await recordAuditEvent(tx, { clinicId, actor: null, action: 'export', resourceType: 'orca_diseases', resourceId: patientId, patientId, detail: { via: 'orca', sent: diseases.length, warnings: result.warnings.map((w) => w.code), rejected: rejected.map((r) => r.code), unmatched: result.unmatched.length }, ctx: { ip: null, requestId: `orca-${randomUUID()}` } });
    });
    return { kind: 'done', warnings: result.warnings };
  } catch (error) {
    return outcomeOf(error);
  }
}
