/**
 * 傷病名: record, revise (new version), 転帰, 取消 (entered in error), doctor-only flags (未告知 / 長期保存),
 * the problem list, the history, and the patient-facing list that never contains a 未告知 diagnosis.
 * Every read and write of patient data is audited.
 */
import type { Diagnosis } from '@/lib/generated/prisma/client';
import { parseInput } from '@/lib/core/zod';
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { dateOnly, todayJst } from '@/lib/core/dates';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { getDiseasesByCodes, searchDiseases, searchModifiers, type DiseaseSearchHit } from '@/lib/masters/master-search.repository';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { openVisitToday } from '@/lib/reception/visit.service';
import { staffNames } from '@/lib/staff/staff-names';
import {
  appendVersion,
  firstVersion,
  listVersionHistory,
  requireCurrentVersion,
  retractVersion,
  reviseVersion,
  type VersionedStore,
} from '@/lib/records/versioned-record';
import { createRecord, type WriteFacts } from '@/lib/records/write-path';
import { recordDepartmentRepository } from '@/lib/records/record-department.repository';
import { diagnosisRepository } from './diagnosis.repository';
import {
  compareForProblemList,
  composeDisplayName,
  toDiagnosisDto,
  type DiagnosisDto,
  type DiagnosisHistoryDto,
  type DiagnosisModifierDto,
  type DiseaseOptionDto,
  type ModifierOptionDto,
} from './diagnosis.dto';
import {
  FLAG_LABELS,
  recordDiagnosisOutcomeSchema,
  recordDiagnosisSchema,
  retractDiagnosisSchema,
  reviseDiagnosisSchema,
  searchMasterSchema,
  setDiagnosisFlagSchema,
  SUSPECTED_MODIFIER_CODE,
  SUSPECTED_MODIFIER_NAME,
  type RecordDiagnosisData,
  type RecordDiagnosisInput,
  type RecordDiagnosisOutcomeInput,
  type RetractDiagnosisInput,
  type ReviseDiagnosisInput,
  type SearchMasterInput,
  type SetDiagnosisFlagInput,
} from './diagnosis.schema';

const RESOURCE = 'diagnosis';

const versions: VersionedStore<Diagnosis> = {
  kind: 'diagnosis',
  resourceType: RESOURCE,
  noun: '傷病名',
  ...diagnosisRepository,
};

type ResolvedContent = {
  disease: DiseaseSearchHit | null;
  fields: {
    diseaseCode: string | null;
    medisKeyNumber: string | null;
    exchangeCode: string | null;
    icd10: string | null;
    baseName: string;
    displayName: string;
    modifiers: DiagnosisModifierDto[];
    isPrimary: boolean;
    isSuspected: boolean;
    startDate: Date;
    outcome: RecordDiagnosisData['outcome'] | null;
    endDate: Date | null;
    note: string | null;
  };
};

type ContentInput = Omit<RecordDiagnosisData, 'patientId'>;

/**
 * Looks the codes up in the masters (the client's names are never trusted) and applies the 疑い rule:
 * the 「の疑い」 modifier and isSuspected always agree. Runs before the transaction (masters are global reads).
 */
async function resolveContent(input: ContentInput): Promise<ResolvedContent> {
  let disease: DiseaseSearchHit | null = null;
  if (input.diseaseCode) {
    disease = (await getDiseasesByCodes([input.diseaseCode]))[0] ?? null;
    if (!disease) throw new AppError('INVALID_INPUT', '傷病名マスターにないコードです。検索して選択し直してください。', { diseaseCode: '傷病名マスターにないコードです。' });
  }
  const codes = [...new Set(input.modifierCodes)];
  const isSuspected = input.isSuspected || codes.includes(SUSPECTED_MODIFIER_CODE);
  if (isSuspected && !codes.includes(SUSPECTED_MODIFIER_CODE)) codes.push(SUSPECTED_MODIFIER_CODE);
  const rows = await diagnosisRepository.findModifiers(db(), codes);
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const modifiers: DiagnosisModifierDto[] = codes.map((code) => {
    const m = byCode.get(code);
    if (!m) {
      if (code === SUSPECTED_MODIFIER_CODE) return { code, name: SUSPECTED_MODIFIER_NAME, position: 'suffix', keyNumber: null, exchangeCode: null };
      throw new AppError('INVALID_INPUT', `修飾語マスターにないコードです（${code}）。`, { modifierCodes: '修飾語マスターにないコードが含まれています。' });
    }
    return { code, name: m.name, position: m.position === 'suffix' ? 'suffix' : 'prefix', keyNumber: m.keyNumber, exchangeCode: m.exchangeCode };
  });
  const baseName = disease ? disease.name : input.freeText!;
  return {
    disease,
    fields: {
      diseaseCode: disease?.code ?? null,
      medisKeyNumber: disease?.keyNumber ?? null,
      exchangeCode: disease?.exchangeCode ?? null,
      icd10: disease?.icd10 ?? null,
      baseName,
      displayName: composeDisplayName(baseName, modifiers),
      modifiers,
      isPrimary: input.isPrimary,
      isSuspected,
      startDate: dateOnly(input.startDate ?? todayJst()),
      outcome: input.outcome ?? null,
      endDate: input.endDate ? dateOnly(input.endDate) : null,
      note: input.note ?? null,
    },
  };
}

function assertNotAbolished(disease: DiseaseSearchHit | null, previousCode: string | null) {
  if (disease?.abolishedOn && disease.abolishedOn <= todayJst() && disease.code !== previousCode) {
    throw new AppError(
      'INVALID_INPUT',
      `この傷病名は廃止されています${disease.movedTo ? `（移行先コード: ${disease.movedTo}）` : ''}。別の傷病名を選択してください。`,
      { diseaseCode: '廃止された傷病名です。' },
    );
  }
}

async function requirePatient(tx: Tx, actor: Principal, patientId: string) {
  const patient = await patientRepository.findById(tx, { clinicId: actor.clinicId, patientId });
  if (!patient) throw notFound();
  return patient;
}

async function withNames(rows: Diagnosis[], clinicId: string): Promise<DiagnosisDto[]> {
  const names = await staffNames(clinicId, rows.flatMap((r) => [r.recordedById, r.flagsChangedById]));
  return rows.map((r) => toDiagnosisDto(r, names));
}

/**
 * Records a diagnosis (doctor only). 未告知 / 長期保存 always start false: only setDiagnosisFlag sets them.
 * `facts` (from a server-side caller, never a client) go into the create's audit detail, e.g. the provenance of a
 * diagnosis copied from another institution (lib/sharing/shared-records).
 */
export async function recordDiagnosis(input: RecordDiagnosisInput, actor: Principal, options: { facts?: WriteFacts } = {}): Promise<DiagnosisDto> {
  await requirePermission(actor, 'diagnosis.write');
  const data = parseInput(recordDiagnosisSchema, input);
  const { disease, fields } = await resolveContent(data);
  assertNotAbolished(disease, null);
  const visit = await openVisitToday(data.patientId, actor);
  const row = await runInTransaction(async (tx) => {
    await requirePatient(tx, actor, data.patientId);
    const { clinicId: _c, ...first } = firstVersion(actor, data.patientId);
    const departmentCode = await recordDepartmentRepository.defaultDepartmentCode(tx, { clinicId: actor.clinicId, visitId: visit?.id ?? null, userId: actor.userId });
    return createRecord(
      tx,
      actor,
      'diagnosis',
      { ...first, visitId: visit?.id ?? null, departmentCode, ...fields, modifiers: fields.modifiers, longTermStorage: false, uninformed: false, undelivered: false },
      { coded: fields.diseaseCode !== null, ...options.facts },
    );
  });
  return (await withNames([row], actor.clinicId))[0]!;
}

/** An edit: version n+1 with a reason; the flags carry over unchanged (only setDiagnosisFlag changes them). */
export async function reviseDiagnosis(input: ReviseDiagnosisInput, actor: Principal): Promise<DiagnosisDto> {
  await requirePermission(actor, 'diagnosis.write');
  const data = parseInput(reviseDiagnosisSchema, input);
  const { diagnosisId, changeReason, ...content } = data;
  const { disease, fields } = await resolveContent(content);
  const row = await reviseVersion(versions, actor, { id: diagnosisId, changeReason }, (previous) => {
    assertNotAbolished(disease, previous.diseaseCode);
    return fields;
  });
  return (await withNames([row], actor.clinicId))[0]!;
}

/** 転帰 (治癒・死亡・中止・転医) with its date, as a new version. */
export async function recordDiagnosisOutcome(input: RecordDiagnosisOutcomeInput, actor: Principal): Promise<DiagnosisDto> {
  await requirePermission(actor, 'diagnosis.write');
  const data = parseInput(recordDiagnosisOutcomeSchema, input);
  const row = await runInTransaction(async (tx) => {
    const previous = await requireCurrentVersion(versions, tx, actor, data.diagnosisId);
    const endDate = dateOnly(data.endDate);
    if (endDate < previous.startDate) {
      throw new AppError('INVALID_INPUT', '転帰日は開始日以降の日付を入力してください。', { endDate: '転帰日は開始日以降の日付を入力してください。' });
    }
    return appendVersion(versions, tx, actor, previous, { content: { outcome: data.outcome, endDate }, changeReason: '転帰の登録', facts: { outcome: data.outcome } });
  });
  return (await withNames([row], actor.clinicId))[0]!;
}

/** 取消 (entered in error): a new version with status entered_in_error and the reason. Nothing is deleted. */
export async function retractDiagnosis(input: RetractDiagnosisInput, actor: Principal): Promise<DiagnosisDto> {
  await requirePermission(actor, 'diagnosis.write');
  const data = parseInput(retractDiagnosisSchema, input);
  const row = await retractVersion(versions, actor, { id: data.diagnosisId, reason: data.reason });
  return (await withNames([row], actor.clinicId))[0]!;
}

/** 未告知 / 長期保存 / 未提供: only a doctor ('diagnosis.flag'); each change is a new version and an audit event {flag, value}. */
export async function setDiagnosisFlag(input: SetDiagnosisFlagInput, actor: Principal): Promise<DiagnosisDto> {
  await requirePermission(actor, 'diagnosis.flag');
  const data = parseInput(setDiagnosisFlagSchema, input);
  const row = await runInTransaction(async (tx) => {
    const previous = await requireCurrentVersion(versions, tx, actor, data.diagnosisId);
    if (previous[data.flag] === data.value) return previous;
    return appendVersion(versions, tx, actor, previous, {
      content: { [data.flag]: data.value, flagsChangedAt: new Date(), flagsChangedById: actor.userId },
      changeReason: `${FLAG_LABELS[data.flag]}フラグを${data.value ? '設定' : '解除'}`,
      intent: 'flag',
      facts: { flag: data.flag, value: data.value },
    });
  });
  return (await withNames([row], actor.clinicId))[0]!;
}

async function requirePatientForRead(actor: Principal, patientId: string) {
  const patient = await patientRepository.findById(db(), { clinicId: actor.clinicId, patientId });
  if (!patient) throw notFound();
}

/** The problem list: current diagnoses (not entered in error), active first with 主病名 on top, then resolved ones. */
export async function listDiagnosesForPatient(patientId: string, actor: Principal): Promise<DiagnosisDto[]> {
  await requirePermission(actor, 'chart.read');
  await requirePatientForRead(actor, patientId);
  const rows = await diagnosisRepository.listLatest(db(), { clinicId: actor.clinicId, patientId });
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, patientId, detail: { count: rows.length }, ctx: actor.ctx });
  return (await withNames(rows, actor.clinicId)).sort(compareForProblemList);
}

/** Every version of every diagnosis (incl. entered in error), grouped by lineage, newest activity first. */
export async function listDiagnosisHistory(patientId: string, actor: Principal): Promise<DiagnosisHistoryDto[]> {
  return listVersionHistory(versions, actor, patientId, (rows) => withNames(rows, actor.clinicId));
}

/** 傷病名マスター search as you type (kanji or kana). A master read: no patient data, so no audit. */
export async function searchDiseaseMaster(input: SearchMasterInput, actor: Principal): Promise<DiseaseOptionDto[]> {
  await requirePermission(actor, 'chart.read');
  const { q, limit } = parseInput(searchMasterSchema, input);
  return q ? searchDiseases(q, limit) : [];
}

/** 修飾語マスター search as you type (e.g. 急性, 左, の疑い). */
export async function searchModifierMaster(input: SearchMasterInput, actor: Principal): Promise<ModifierOptionDto[]> {
  await requirePermission(actor, 'chart.read');
  const { q, limit } = parseInput(searchMasterSchema, input);
  if (!q) return [];
  // many 接尾語 start with 「の」 (の疑い, の術後): typing 「疑い」 should find them even where only prefixes match
  const [direct, withNo] = await Promise.all([searchModifiers(q, limit), /^[のノ]/.test(q) ? [] : searchModifiers(`の${q}`, limit)]);
  const seen = new Set(direct.map((m) => m.code));
  return [...direct, ...withNo.filter((m) => !seen.has(m.code))].slice(0, limit);
}
