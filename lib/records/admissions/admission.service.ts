/**
 * 入院 of a 有床診療所 (issue 11, docs/decisions/0087): 入院登録 (入院中), 退院登録 (退院済), 修正 and 取消, each a version
 * of one lineage written through the one write path (lib/records/write-path.ts: the row and one audit event, no sharing
 * outbox row: an admission is not a 6情報 unit). One open admission per patient (the patient's row is locked while it is
 * checked), 退院日 ≥ 入院日 (also a CHECK), diagnoses only the patient's own (by lineage), 担当医 an active doctor of
 * the clinic. The 退院時サマリー is pre-filled from it (`admissionForSummary`). Every read is audited; another clinic's
 * patient or admission is NOT_FOUND.
 */
import { randomUUID } from 'node:crypto';
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction, type Prisma, type Tx } from '@/lib/core/db';
import { dateOnly, isoDate, todayJst } from '@/lib/core/dates';
import { parseInput } from '@/lib/core/zod';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { appendRecordVersion, createRecord } from '@/lib/records/write-path';
import { staffRepository } from '@/lib/staff/staff.repository';
import { staffNames } from '@/lib/staff/staff-names';
import { admissionRepository } from './admission.repository';
import {
  admitPatientSchema,
  cancelAdmissionSchema,
  dischargePatientSchema,
  reviseAdmissionSchema,
  type AdmitPatientInput,
  type CancelAdmissionInput,
  type DischargePatientInput,
  type ReviseAdmissionInput,
} from './admission.schema';
import { toAdmissionDto, type AdmissionDto, type AdmissionPanelDto } from './admission.dto';

const RESOURCE = 'admission';
/** Stays the chart lists. */
const PANEL_LIMIT = 20;

type AdmissionRow = NonNullable<Awaited<ReturnType<typeof admissionRepository.findById>>>;

const conflict = (message: string) => new AppError('CONFLICT', message);
const invalid = (message: string, field: string) => new AppError('INVALID_INPUT', message, { [field]: message });

async function loadPatient(patientId: string, actor: Principal) {
  const patient = await patientRepository.findById(db(), { clinicId: actor.clinicId, patientId });
  if (!patient) {
    await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, resourceId: patientId, outcome: 'failure', detail: { reason: 'not_found' }, ctx: actor.ctx });
    throw notFound();
  }
  return patient;
}

/** The latest version of an admission named by the id of any of its versions the form was opened on (that one must still be the latest). */
async function loadCurrent(admissionId: string, actor: Principal): Promise<AdmissionRow> {
  const cur = await admissionRepository.findById(db(), { clinicId: actor.clinicId, id: admissionId });
  if (!cur) throw notFound();
  if (!cur.isLatest) throw conflict('この入院記録は他の職員が先に更新しました。画面を再読み込みしてください。');
  return cur;
}

/** Dates: not in the future, 退院日 not before 入院日. */
function checkDates(admittedOn: string, dischargedOn: string | null) {
  const today = todayJst();
  if (admittedOn > today) throw invalid('入院日に未来の日付は指定できません。', 'admittedOn');
  if (dischargedOn && dischargedOn > today) throw invalid('退院日に未来の日付は指定できません。', 'dischargedOn');
  if (dischargedOn && dischargedOn < admittedOn) throw invalid('退院日は入院日以降の日付にしてください。', 'dischargedOn');
}

/** The diagnoses must be the patient's own current ones (by lineage); ids the admission already names stay allowed. */
async function checkDiagnoses(c: Tx | ReturnType<typeof db>, actor: Principal, patientId: string, ids: readonly string[], field: string, already: readonly string[] = []) {
  if (!ids.length) return;
  const own = new Set((await admissionRepository.diagnosisChoices(c, { clinicId: actor.clinicId, patientId })).map((d) => d.lineageId));
  if (ids.some((id) => !own.has(id) && !already.includes(id))) throw invalid('この患者の傷病名から選んでください。', field);
}

async function checkDoctor(actor: Principal, doctorId: string) {
  if (!(await staffRepository.findActiveDoctor(db(), actor.clinicId, doctorId))) throw invalid('担当医はこの医療機関の医師から選んでください。', 'attendingDoctorId');
}

/** Version n+1: everything copied, then `changes`; the previous row is only marked superseded. */
function nextVersion(cur: AdmissionRow, actor: Principal, changes: Partial<Prisma.AdmissionUncheckedCreateInput>): Omit<Prisma.AdmissionUncheckedCreateInput, 'clinicId'> {
  const { id: _id, clinicId: _cl, createdAt: _c, supersededAt: _s, ...copy } = cur;
  return { ...copy, id: randomUUID(), version: cur.version + 1, isLatest: true, recordedById: actor.userId, changeReason: null, ...changes };
}

async function dtoOf(actor: Principal, rows: AdmissionRow[]): Promise<AdmissionDto[]> {
  if (!rows.length) return [];
  const patientId = rows[0]!.patientId;
  const lineageIds = [...new Set(rows.flatMap((r) => [...r.admissionDiagnosisIds, ...r.dischargeDiagnosisIds]))];
  const [names, dx] = await Promise.all([
    staffNames(actor.clinicId, rows.flatMap((r) => [r.attendingDoctorId, r.recordedById])),
    admissionRepository.diagnosisNames(db(), { clinicId: actor.clinicId, patientId, lineageIds }),
  ]);
  const diagnoses = new Map(dx.map((d) => [d.lineageId, d.status === 'entered_in_error' ? `${d.displayName}（取消）` : d.displayName]));
  const today = todayJst();
  return rows.map((r) => toAdmissionDto(r, { today, names, diagnoses }));
}

/** Counts and flags for the audit detail; never the reason, the 退院先, the ward or the diagnoses' names. */
const factsOf = (row: Pick<AdmissionRow, 'admissionDiagnosisIds' | 'dischargeDiagnosisIds' | 'ward'>) => ({
  admissionDiagnoses: row.admissionDiagnosisIds.length,
  dischargeDiagnoses: row.dischargeDiagnosisIds.length,
  ward: !!row.ward,
});

/** Refuses a stay whose days overlap another stay of the patient (inside the transaction that holds the patient's lock). */
async function checkNoOverlap(tx: Tx, actor: Principal, patientId: string, exceptLineageId: string | null, from: string, to: string | null): Promise<void> {
  const other = await admissionRepository.findOverlapping(tx, { clinicId: actor.clinicId, patientId, exceptLineageId, from: dateOnly(from), to: to ? dateOnly(to) : null });
  if (!other) return;
  const d = (x: Date) => isoDate(x).replaceAll('-', '/');
  throw invalid(`ほかの入院（${d(other.admittedOn)}〜${other.dischargedOn ? d(other.dischargedOn) : '入院中'}）と期間が重なっています。日付を確かめてください。`, to ? 'dischargedOn' : 'admittedOn');
}

/** 入院登録: version 1, 入院中. Refused while the patient has an open admission. */
export async function admitPatient(raw: AdmitPatientInput, actor: Principal): Promise<AdmissionDto> {
  await requirePermission(actor, 'admission.write');
  const input = parseInput(admitPatientSchema, raw);
  const patient = await loadPatient(input.patientId, actor);
  checkDates(input.admittedOn, null);
  await checkDoctor(actor, input.attendingDoctorId);
  const id = randomUUID();
  const row = await runInTransaction(async (tx) => {
    await admissionRepository.lockPatient(tx, { clinicId: actor.clinicId, patientId: patient.id });
    if (await admissionRepository.findOpen(tx, { clinicId: actor.clinicId, patientId: patient.id })) {
      throw conflict('この患者は入院中です。退院登録をしてから新しい入院を登録してください。');
    }
    await checkNoOverlap(tx, actor, patient.id, null, input.admittedOn, null);
    await checkDiagnoses(tx, actor, patient.id, input.admissionDiagnosisIds, 'admissionDiagnosisIds');
    const data = {
      id,
      lineageId: id,
      version: 1,
      isLatest: true,
      status: 'admitted',
      patientId: patient.id,
      admittedOn: dateOnly(input.admittedOn),
      dischargedOn: null,
      reason: input.reason,
      admissionDiagnosisIds: input.admissionDiagnosisIds,
      dischargeDiagnosisIds: [],
      attendingDoctorId: input.attendingDoctorId,
      ward: input.ward || null,
      recordedById: actor.userId,
    };
    return createRecord(tx, actor, 'admission', data, factsOf(data));
  });
  return (await dtoOf(actor, [row]))[0]!;
}

/** 退院登録: a version with 退院日, 退院時診断, 転帰 and 退院先; 退院済. Only an admission 入院中. */
export async function dischargePatient(raw: DischargePatientInput, actor: Principal): Promise<AdmissionDto> {
  await requirePermission(actor, 'admission.write');
  const input = parseInput(dischargePatientSchema, raw);
  const cur = await loadCurrent(input.admissionId, actor);
  if (cur.status !== 'admitted') throw conflict(cur.status === 'discharged' ? 'この入院はすでに退院登録されています。' : 'この入院記録は取り消されています。');
  checkDates(isoDate(cur.admittedOn), input.dischargedOn);
  await checkDiagnoses(db(), actor, cur.patientId, input.dischargeDiagnosisIds, 'dischargeDiagnosisIds');
  const data = nextVersion(cur, actor, {
    status: 'discharged',
    dischargedOn: dateOnly(input.dischargedOn),
    dischargeDiagnosisIds: input.dischargeDiagnosisIds,
    outcome: input.outcome,
    destination: input.destination || null,
  });
  const row = await runInTransaction(async (tx) => {
    await admissionRepository.lockPatient(tx, { clinicId: actor.clinicId, patientId: cur.patientId });
    await checkNoOverlap(tx, actor, cur.patientId, cur.lineageId, isoDate(cur.admittedOn), input.dischargedOn);
    return appendRecordVersion(tx, actor, 'admission', 'version', cur, data, { transition: 'discharge', ...factsOf(data as AdmissionRow) });
  });
  return (await dtoOf(actor, [row]))[0]!;
}

/** 修正: the fields as they should read, with a reason (a new version; 入院中 stays 入院中, 退院済 keeps its 退院日 and 転帰). */
export async function reviseAdmission(raw: ReviseAdmissionInput, actor: Principal): Promise<AdmissionDto> {
  await requirePermission(actor, 'admission.write');
  const input = parseInput(reviseAdmissionSchema, raw);
  const cur = await loadCurrent(input.admissionId, actor);
  if (cur.status === 'entered_in_error') throw conflict('この入院記録は取り消されています。');
  const discharged = cur.status === 'discharged';
  if (discharged && !input.dischargedOn) throw invalid('退院日を入力してください。', 'dischargedOn');
  if (discharged && !input.outcome) throw invalid('退院時転帰を選択してください。', 'outcome');
  checkDates(input.admittedOn, discharged ? input.dischargedOn : null);
  if (input.attendingDoctorId !== cur.attendingDoctorId) await checkDoctor(actor, input.attendingDoctorId);
  await checkDiagnoses(db(), actor, cur.patientId, input.admissionDiagnosisIds, 'admissionDiagnosisIds', cur.admissionDiagnosisIds);
  await checkDiagnoses(db(), actor, cur.patientId, discharged ? input.dischargeDiagnosisIds : [], 'dischargeDiagnosisIds', cur.dischargeDiagnosisIds);
  const data = nextVersion(cur, actor, {
    admittedOn: dateOnly(input.admittedOn),
    reason: input.reason,
    admissionDiagnosisIds: input.admissionDiagnosisIds,
    attendingDoctorId: input.attendingDoctorId,
    ward: input.ward || null,
    ...(discharged
      ? { dischargedOn: dateOnly(input.dischargedOn), dischargeDiagnosisIds: input.dischargeDiagnosisIds, outcome: input.outcome || null, destination: input.destination || null }
      : {}),
    changeReason: input.changeReason,
  });
  const row = await runInTransaction(async (tx) => {
    await admissionRepository.lockPatient(tx, { clinicId: actor.clinicId, patientId: cur.patientId });
    await checkNoOverlap(tx, actor, cur.patientId, cur.lineageId, input.admittedOn, discharged ? input.dischargedOn! : null);
    return appendRecordVersion(tx, actor, 'admission', 'version', cur, data, { transition: 'revise', ...factsOf(data as AdmissionRow) });
  });
  return (await dtoOf(actor, [row]))[0]!;
}

/** 取消 (入力誤り): a version with status entered_in_error and the reason. Doctors only. */
export async function cancelAdmission(raw: CancelAdmissionInput, actor: Principal): Promise<AdmissionDto> {
  await requirePermission(actor, 'admission.cancel');
  const input = parseInput(cancelAdmissionSchema, raw);
  const cur = await loadCurrent(input.admissionId, actor);
  if (cur.status === 'entered_in_error') throw conflict('この入院記録はすでに取り消されています。');
  const row = await runInTransaction((tx) =>
    appendRecordVersion(tx, actor, 'admission', 'cancel', cur, nextVersion(cur, actor, { status: 'entered_in_error', changeReason: input.reason }), { previousStatus: cur.status }),
  );
  return (await dtoOf(actor, [row]))[0]!;
}

/** The chart's 入院 panel: the stays (current version each, newest first), the diagnoses to choose from, the doctors. One read audit event. */
export async function getAdmissionPanel(patientId: string, actor: Principal): Promise<AdmissionPanelDto> {
  await requirePermission(actor, 'chart.read');
  const patient = await loadPatient(patientId, actor);
  const scope = { clinicId: actor.clinicId, patientId: patient.id };
  const [rows, choices, doctors, clinic] = await Promise.all([
    admissionRepository.listLatestForPatient(db(), { ...scope, take: PANEL_LIMIT }),
    admissionRepository.diagnosisChoices(db(), scope),
    staffRepository.listActiveDoctors(db(), actor.clinicId),
    staffRepository.findClinic(actor.clinicId),
  ]);
  const admissions = await dtoOf(actor, rows);
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'read',
    resourceType: 'admission_list',
    resourceId: patient.id,
    patientId: patient.id,
    ctx: actor.ctx,
    detail: { count: admissions.length },
  });
  return {
    clinicHasBeds: clinic?.hasBeds ?? false,
    admissions,
    diagnoses: choices.map((d) => ({ lineageId: d.lineageId, name: d.displayName, isPrimary: d.isPrimary, active: !d.outcome })),
    doctors: doctors.map((d) => ({ id: d.id, name: d.displayName })),
    today: todayJst(),
  };
}

/** Every version of one admission, newest first (the history page). Audited. */
export async function getAdmissionHistory(lineageId: string, actor: Principal): Promise<AdmissionDto[]> {
  await requirePermission(actor, 'chart.read');
  const rows = await admissionRepository.listVersions(db(), { clinicId: actor.clinicId, lineageId });
  if (!rows.length) throw notFound();
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'read',
    resourceType: RESOURCE,
    resourceId: rows[0]!.id,
    patientId: rows[0]!.patientId,
    ctx: actor.ctx,
    detail: { lineageId, versions: rows.length },
  });
  return dtoOf(actor, rows);
}

/**
 * The admission a 退院時サマリー is written from: the version named (any version of one of the patient's admissions,
 * not 取消), else the patient's current 入院中 one, else the latest 退院済 one; null when there is none. Audited as a read.
 */
export async function admissionForSummary(patientId: string, actor: Principal, admissionId?: string): Promise<AdmissionDto | null> {
  await requirePermission(actor, 'chart.read');
  let row: AdmissionRow | null;
  if (admissionId) {
    row = await admissionRepository.findById(db(), { clinicId: actor.clinicId, id: admissionId });
    if (!row || row.patientId !== patientId || row.status === 'entered_in_error') throw invalid('この患者の入院記録を選んでください。', 'admissionId');
  } else {
    const rows = await admissionRepository.listLatestForPatient(db(), { clinicId: actor.clinicId, patientId, take: PANEL_LIMIT });
    row = rows.find((r) => r.status === 'admitted') ?? rows.find((r) => r.status === 'discharged') ?? null;
  }
  if (!row) return null;
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'read',
    resourceType: RESOURCE,
    resourceId: row.id,
    patientId,
    ctx: actor.ctx,
    detail: { lineageId: row.lineageId, version: row.version, purpose: 'discharge_summary' },
  });
  return (await dtoOf(actor, [row]))[0]!;
}
