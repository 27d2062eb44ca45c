/** Patient registration, editing (versioned), lookup and search. Every read and write is audited. */
import { AppError, notFound } from '@/lib/core/app-error';
import { runInTransaction, db, type Tx } from '@/lib/core/db';
import { dateOnly, parseWareki, isValidIsoDate } from '@/lib/core/dates';
import { toKanaSearchKey, toKatakana, toNameSearchKey } from '@/lib/core/kana';
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, requireWritePermission, type Principal, type RecordWriter } from '@/lib/auth/principal';
import { notifySubscriptions } from '@/lib/vendor-api/subscription.service';
import { patientRepository, type PatientSearchCriteria } from './patient.repository';
import { toPatientDto, type PatientDto } from './patient.dto';
import type { FindDuplicatesInput, RegisterPatientInput, SearchPatientsInput, UpdatePatientInput, WithdrawPatientInput } from './patient.schema';

function demographics(input: RegisterPatientInput) {
  const familyNameKana = toKatakana(input.familyNameKana);
  const givenNameKana = toKatakana(input.givenNameKana);
  return {
    familyName: input.familyName,
    givenName: input.givenName,
    familyNameKana,
    givenNameKana,
    nameSearch: toNameSearchKey(`${input.familyName}${input.givenName}`),
    kanaSearch: toKanaSearchKey(`${familyNameKana}${givenNameKana}`),
    sex: input.sex,
    birthDate: dateOnly(input.birthDate),
    postalCode: input.postalCode ?? null,
    address: input.address ?? null,
    phone: input.phone ?? null,
    phoneDigits: input.phone ? input.phone.replace(/\D/g, '') : null,
  };
}

const optDate = (v?: string) => (v ? dateOnly(v) : null);

/** The snapshot kept for every version: what the record said, not who typed it. */
function snapshot(input: RegisterPatientInput) {
  const { insurance, publicExpense, duplicateAcknowledged: _ack, ...rest } = input;
  return { ...rest, insurance: insurance ?? null, publicExpense: publicExpense ?? null };
}

function duplicateKey(input: Pick<RegisterPatientInput, 'familyName' | 'givenName' | 'familyNameKana' | 'givenNameKana' | 'birthDate' | 'phone'>) {
  return {
    birthDate: dateOnly(input.birthDate),
    kanaSearch: toKanaSearchKey(`${input.familyNameKana}${input.givenNameKana}`),
    nameSearch: toNameSearchKey(`${input.familyName}${input.givenName}`),
    phoneDigits: input.phone ? input.phone.replace(/\D/g, '') || null : null,
  };
}

/**
 * Patients of the clinic who are probably the person being registered (same birth date and the same kana name, kanji
 * name or phone). Shown before saving so the desk opens the existing chart instead of a second one. Audited as a search.
 */
export async function findLikelyDuplicates(input: FindDuplicatesInput, actor: Principal): Promise<PatientDto[]> {
  await requirePermission(actor, 'patient.read');
  const rows = await patientRepository.findLikelyDuplicates(db(), { clinicId: actor.clinicId }, duplicateKey(input));
  const patients = rows.map(toPatientDto);
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'search',
    resourceType: 'patient',
    detail: { criteria: 'duplicate_check', resultPatientIds: patients.map((p) => p.id) },
    ctx: actor.ctx,
  });
  return patients;
}

export async function registerPatient(
  input: RegisterPatientInput,
  actor: RecordWriter,
  /** more rows that belong to the registration, written in its transaction (e.g. the ORCA link of an imported patient) */
  options: { alsoWrite?: (tx: Tx, patientId: string) => Promise<void> } = {},
): Promise<PatientDto> {
  await requireWritePermission(actor, 'patient.write');
  const scope = { clinicId: actor.clinicId };
  return runInTransaction(async (tx) => {
    if (!input.duplicateAcknowledged) {
      const duplicates = await patientRepository.findLikelyDuplicates(tx, scope, duplicateKey(input));
      if (duplicates.length) {
        const names = duplicates.map((d) => `No.${d.patientNumber} ${d.familyName} ${d.givenName}`).join('、');
        throw new AppError('CONFLICT', `同じ人と思われる患者がすでに登録されています（${names}）。別の人であることを確認してから登録してください。`);
      }
    }
    const patientNumber = await patientRepository.allocatePatientNumber(tx, scope);
    const patient = await patientRepository.create(tx, {
      clinicId: actor.clinicId,
      patientNumber,
      ...demographics(input),
      createdById: actor.userId,
      updatedById: actor.userId,
    });
    const ids = { clinicId: actor.clinicId, patientId: patient.id };
    if (input.insurance) {
      await patientRepository.addInsurance(tx, {
        ...ids,
        ...input.insurance,
        validFrom: optDate(input.insurance.validFrom),
        validUntil: optDate(input.insurance.validUntil),
      });
    }
    if (input.publicExpense) {
      await patientRepository.addPublicExpense(tx, {
        ...ids,
        ...input.publicExpense,
        validFrom: optDate(input.publicExpense.validFrom),
        validUntil: optDate(input.publicExpense.validUntil),
      });
    }
    await patientRepository.addRevision(tx, { ...ids, version: 1, changeType: 'create', snapshot: snapshot(input), changedById: actor.userId });
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'create', resourceType: 'patient', resourceId: patient.id, patientId: patient.id, ctx: actor.ctx });
    await notifySubscriptions(tx, actor.clinicId, 'patient', [patient.id]);
    if (options.alsoWrite) await options.alsoWrite(tx, patient.id);
    const saved = await patientRepository.findById(tx, { ...scope, patientId: patient.id });
    return toPatientDto(saved!);
  });
}

function sameInsurance(a: PatientDto['insurance'], b: RegisterPatientInput['insurance']) {
  if (!a && !b) return true;
  if (!a || !b) return false;
  return (
    a.insurerNumber === b.insurerNumber && (a.symbol ?? undefined) === b.symbol && a.number === b.number &&
    (a.branch ?? undefined) === b.branch && a.relationship === b.relationship &&
    (a.validFrom ?? undefined) === b.validFrom && (a.validUntil ?? undefined) === b.validUntil
  );
}

function samePublicExpense(a: PatientDto['publicExpense'], b: RegisterPatientInput['publicExpense']) {
  if (!a && !b) return true;
  if (!a || !b) return false;
  return a.payerNumber === b.payerNumber && (a.recipientNumber ?? undefined) === b.recipientNumber &&
    (a.validFrom ?? undefined) === b.validFrom && (a.validUntil ?? undefined) === b.validUntil;
}

/** The current version of a registered (not withdrawn) patient, or null; no audit (it reads no patient data). */
export async function getPatientVersion(clinicId: string, patientId: string): Promise<number | null> {
  const row = await patientRepository.findById(db(), { clinicId, patientId });
  return row && !row.deletedAt ? row.version : null;
}

/** A new version; the previous one stays in PatientRevision. Refuses to overwrite someone else's newer edit. */
export async function updatePatient(input: UpdatePatientInput, actor: RecordWriter): Promise<PatientDto> {
  await requireWritePermission(actor, 'patient.write');
  const { patientId, expectedVersion, reason, ...fields } = input;
  const scope = { clinicId: actor.clinicId, patientId };
  return runInTransaction(async (tx) => {
    const current = await patientRepository.findById(tx, scope);
    if (!current) throw notFound();
    const before = toPatientDto(current);
    const { count } = await patientRepository.updateIfVersion(tx, { ...scope, expectedVersion }, {
      ...demographics(fields),
      updatedAt: new Date(),
      updatedById: actor.userId,
    });
    if (count !== 1) {
      throw new AppError('CONFLICT', '他の職員がこの患者情報を先に更新しました。画面を再読み込みしてから編集し直してください。');
    }
    if (!sameInsurance(before.insurance, fields.insurance)) {
      await patientRepository.endCurrentInsurance(tx, scope);
      if (fields.insurance) {
        await patientRepository.addInsurance(tx, { clinicId: actor.clinicId, patientId, ...fields.insurance, validFrom: optDate(fields.insurance.validFrom), validUntil: optDate(fields.insurance.validUntil) });
      }
    }
    if (!samePublicExpense(before.publicExpense, fields.publicExpense)) {
      await patientRepository.endCurrentPublicExpense(tx, scope);
      if (fields.publicExpense) {
        await patientRepository.addPublicExpense(tx, { clinicId: actor.clinicId, patientId, ...fields.publicExpense, validFrom: optDate(fields.publicExpense.validFrom), validUntil: optDate(fields.publicExpense.validUntil) });
      }
    }
    const version = expectedVersion + 1;
    await patientRepository.addRevision(tx, { clinicId: actor.clinicId, patientId, version, changeType: 'update', snapshot: snapshot(fields), changedById: actor.userId, reason: reason ?? null });
    const changed = Object.keys(fields).filter((k) => {
      const key = k as keyof typeof fields;
      if (key === 'insurance') return !sameInsurance(before.insurance, fields.insurance);
      if (key === 'publicExpense') return !samePublicExpense(before.publicExpense, fields.publicExpense);
      return String((before as Record<string, unknown>)[key] ?? '') !== String(fields[key] ?? '');
    });
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'update', resourceType: 'patient', resourceId: patientId, patientId, detail: { version, changedFields: changed }, ctx: actor.ctx });
    await notifySubscriptions(tx, actor.clinicId, 'patient', [patientId]);
    return toPatientDto((await patientRepository.findById(tx, scope))!);
  });
}

/**
 * オンライン資格確認 → the patient's insurance (0060): after a person at reception confirmed it, 保険者名, 負担割合 and
 * the 有効期限 the check answered replace those of the current insurance, as a new version of the patient (the
 * insurance row is ended and a new one written; the revision keeps the previous snapshot with the new insurance).
 */
export async function adoptInsuranceFromEligibility(
  input: { patientId: string; expectedVersion: number; insurerName: string | null; copaymentRate: number | null; validUntil: string | null },
  actor: Principal,
): Promise<PatientDto> {
  await requirePermission(actor, 'patient.write');
  const scope = { clinicId: actor.clinicId, patientId: input.patientId };
  return runInTransaction(async (tx) => {
    const current = await patientRepository.findById(tx, scope);
    if (!current || current.deletedAt) throw notFound();
    const ins = current.insurances[0];
    if (!ins) throw new AppError('PRECONDITION_FAILED', '保険情報が登録されていません。患者情報の編集から登録してください。');
    const { count } = await patientRepository.updateIfVersion(tx, { ...scope, expectedVersion: input.expectedVersion }, { updatedAt: new Date(), updatedById: actor.userId });
    if (count !== 1) throw new AppError('CONFLICT', '他の職員がこの患者情報を先に更新しました。画面を更新してください。');
    await patientRepository.endCurrentInsurance(tx, scope);
    const { id: _id, createdAt: _c, endedAt: _e, ...kept } = ins;
    await patientRepository.addInsurance(tx, { ...kept, insurerName: input.insurerName, copaymentRate: input.copaymentRate, validUntil: input.validUntil ? dateOnly(input.validUntil) : kept.validUntil });
    const saved = toPatientDto((await patientRepository.findById(tx, scope))!);
    const previous = (await patientRepository.listRevisions(tx, scope))[0];
    const base = previous && typeof previous.snapshot === 'object' && previous.snapshot ? (previous.snapshot as Record<string, unknown>) : {};
    const version = input.expectedVersion + 1;
    await patientRepository.addRevision(tx, { ...scope, version, changeType: 'update', snapshot: { ...base, insurance: saved.insurance }, changedById: actor.userId, reason: 'オンライン資格確認の結果を反映' });
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'update', resourceType: 'patient', resourceId: input.patientId, patientId: input.patientId, detail: { version, changedFields: ['insurance'], source: 'eligibility' }, ctx: actor.ctx });
    await notifySubscriptions(tx, actor.clinicId, 'patient', [input.patientId]);
    return saved;
  });
}

/** The demographics a change made in ORCA can bring (lib/orca/orca-patients.service.ts), as the EHR stores them. */
export type OrcaDemographics = Partial<{ familyName: string; givenName: string; familyNameKana: string; givenNameKana: string; sex: 'male' | 'female'; birthDate: string; postalCode: string | null; address: string | null }>;

/**
 * A change made in ORCA to a linked patient (氏名, カナ, 生年月日, 性別, 住所), after a person at reception confirmed
 * the difference on screen: a new version of the patient (revision with the reason, audit naming the fields and ORCA
 * as the source). Only the given fields change; 保険 stays as it is (ORCA keeps its own 保険組合せ).
 */
export async function adoptDemographicsFromOrca(input: { patientId: string; expectedVersion: number; changes: OrcaDemographics; orcaPatientId: string }, actor: Principal): Promise<PatientDto> {
  await requirePermission(actor, 'patient.write');
  const scope = { clinicId: actor.clinicId, patientId: input.patientId };
  const changedFields = Object.keys(input.changes);
  if (!changedFields.length) throw new AppError('PRECONDITION_FAILED', 'ORCAとの違いはありません。');
  return runInTransaction(async (tx) => {
    const current = await patientRepository.findById(tx, scope);
    if (!current || current.deletedAt) throw notFound();
    const c = input.changes;
    const merged = { ...current, ...c, familyNameKana: c.familyNameKana ? toKatakana(c.familyNameKana) : current.familyNameKana, givenNameKana: c.givenNameKana ? toKatakana(c.givenNameKana) : current.givenNameKana };
    const data = {
      familyName: merged.familyName,
      givenName: merged.givenName,
      familyNameKana: merged.familyNameKana,
      givenNameKana: merged.givenNameKana,
      nameSearch: toNameSearchKey(`${merged.familyName}${merged.givenName}`),
      kanaSearch: toKanaSearchKey(`${merged.familyNameKana}${merged.givenNameKana}`),
      sex: merged.sex,
      birthDate: c.birthDate ? dateOnly(c.birthDate) : current.birthDate,
      postalCode: merged.postalCode,
      address: merged.address,
      updatedAt: new Date(),
      updatedById: actor.userId,
    };
    const { count } = await patientRepository.updateIfVersion(tx, { ...scope, expectedVersion: input.expectedVersion }, data);
    if (count !== 1) throw new AppError('CONFLICT', '他の職員がこの患者情報を先に更新しました。画面を更新してください。');
    const previous = (await patientRepository.listRevisions(tx, scope))[0];
    const base = previous && typeof previous.snapshot === 'object' && previous.snapshot ? (previous.snapshot as Record<string, unknown>) : {};
    const version = input.expectedVersion + 1;
    const shown = { ...c, ...(c.familyNameKana ? { familyNameKana: data.familyNameKana } : {}), ...(c.givenNameKana ? { givenNameKana: data.givenNameKana } : {}) };
    await patientRepository.addRevision(tx, { ...scope, version, changeType: 'update', snapshot: { ...base, ...shown }, changedById: actor.userId, reason: 'ORCAでの変更を反映' });
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'update', resourceType: 'patient', resourceId: input.patientId, patientId: input.patientId, detail: { version, changedFields, source: 'orca', orcaPatientId: input.orcaPatientId }, ctx: actor.ctx });
    await notifySubscriptions(tx, actor.clinicId, 'patient', [input.patientId]);
    return toPatientDto((await patientRepository.findById(tx, scope))!);
  });
}

/**
 * 登録の取消: a registration made in error (typically a duplicate at reception) is withdrawn — soft-deleted, with the
 * reason in the revision history and the audit trail. Refused once the patient has any clinical record or a visit that
 * was not cancelled: from then on the record is part of the chart and must stay findable.
 */
export async function withdrawPatientRegistration(input: WithdrawPatientInput, actor: Principal): Promise<void> {
  await requirePermission(actor, 'patient.write');
  const scope = { clinicId: actor.clinicId, patientId: input.patientId };
  await runInTransaction(async (tx) => {
    const current = await patientRepository.findById(tx, scope);
    if (!current) throw notFound();
    const linked = await patientRepository.countLinkedRecords(tx, scope);
    if (linked.clinical > 0) {
      throw new AppError('PRECONDITION_FAILED', '診療記録（診療録・傷病名・アレルギー・検査・処方）がある患者の登録は取り消せません。');
    }
    if (linked.visits > 0) {
      throw new AppError('PRECONDITION_FAILED', '受付・受診の記録がある患者の登録は取り消せません。誤った受付は受付画面でキャンセルしてください。');
    }
    const { count } = await patientRepository.markDeletedIfVersion(tx, { ...scope, expectedVersion: input.expectedVersion }, actor.userId);
    if (count !== 1) {
      throw new AppError('CONFLICT', '他の職員がこの患者情報を先に更新しました。画面を再読み込みしてから操作し直してください。');
    }
    const version = input.expectedVersion + 1;
    await patientRepository.addRevision(tx, { ...scope, version, changeType: 'delete', snapshot: {}, changedById: actor.userId, reason: input.reason });
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'delete', resourceType: 'patient', resourceId: input.patientId, patientId: input.patientId, detail: { version }, ctx: actor.ctx });
  });
}

/** One patient of the actor's clinic; another clinic's id is the same 404 as a missing one. */
export async function getPatient(patientId: string, actor: Principal, purpose: 'view' | 'chart' | 'edit' = 'view'): Promise<PatientDto> {
  await requirePermission(actor, 'patient.read');
  const row = await patientRepository.findById(db(), { clinicId: actor.clinicId, patientId });
  if (!row) {
    await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'patient', resourceId: patientId, outcome: 'failure', detail: { reason: 'not_found' }, ctx: actor.ctx });
    throw notFound();
  }
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'patient', resourceId: patientId, patientId, detail: { purpose }, ctx: actor.ctx });
  return toPatientDto(row);
}

/** What the receptionist typed, understood: 患者番号/電話 (digits), 生年月日 (西暦 or 和暦), or a name in kana or kanji. */
export function parsePatientQuery(q: string): PatientSearchCriteria {
  const t = q.normalize('NFKC').trim();
  if (!t) return { kind: 'recent' };
  const wareki = parseWareki(t);
  if (wareki) return { kind: 'birthDate', date: dateOnly(wareki) };
  const ymd = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(t);
  if (ymd) {
    const iso = `${ymd[1]}-${ymd[2]!.padStart(2, '0')}-${ymd[3]!.padStart(2, '0')}`;
    if (isValidIsoDate(iso)) return { kind: 'birthDate', date: dateOnly(iso) };
  }
  if (/^\d{8}$/.test(t) && /^(19|20)/.test(t)) {
    const iso = `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}`;
    if (isValidIsoDate(iso)) return { kind: 'birthDate', date: dateOnly(iso) };
  }
  if (/^[\d\-\s()]+$/.test(t)) return { kind: 'number', digits: t.replace(/\D/g, '') };
  return { kind: 'text', key: toKanaSearchKey(t) };
}

export async function searchPatients(input: SearchPatientsInput, actor: Principal): Promise<PatientDto[]> {
  await requirePermission(actor, 'patient.read');
  const scope = { clinicId: actor.clinicId };
  const criteria = parsePatientQuery(input.q);
  const ids = await patientRepository.searchIds(db(), scope, criteria, input.limit, input.offset);
  const rows = ids.length ? await patientRepository.findManyForList(db(), scope, ids) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const patients = ids.map((id) => byId.get(id)).filter((r) => r !== undefined).map(toPatientDto);
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'search',
    resourceType: 'patient',
    detail: { query: input.q, criteria: criteria.kind, ...(input.offset ? { offset: input.offset } : {}), resultPatientIds: patients.map((p) => p.id) },
    ctx: actor.ctx,
  });
  return patients;
}

export type PatientRevisionDto = { version: number; changeType: string; changedAt: string; changedById: string; reason: string | null; snapshot: unknown };

export async function listPatientRevisions(patientId: string, actor: Principal): Promise<PatientRevisionDto[]> {
  await requirePermission(actor, 'patient.read');
  const scope = { clinicId: actor.clinicId, patientId };
  const patient = await patientRepository.findById(db(), scope);
  if (!patient) throw notFound();
  const revisions = await patientRepository.listRevisions(db(), scope);
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'patient_history', resourceId: patientId, patientId, ctx: actor.ctx });
  return revisions.map((r) => ({ version: r.version, changeType: r.changeType, changedAt: r.changedAt.toISOString(), changedById: r.changedById, reason: r.reason, snapshot: r.snapshot }));
}
