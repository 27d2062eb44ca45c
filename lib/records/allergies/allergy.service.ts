/**
 * アレルギー: 薬剤アレルギー等 (coded from the drug master: YJ code, else the receipt code) and その他アレルギー等
 * (J-FAGY where available, else free text). Doctors and nurses write; every version is kept. Reads are audited.
 */
import type { Allergy } from '@/lib/generated/prisma/client';
import { parseInput } from '@/lib/core/zod';
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { dateOnly } from '@/lib/core/dates';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { can } from '@/lib/permissions/permissions';
import { createRecord, type WriteFacts } from '@/lib/records/write-path';
import { recordDepartmentRepository } from '@/lib/records/record-department.repository';
import { openVisitToday } from '@/lib/reception/visit.service';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { getDrugsByCodes, searchAllergens, searchDrugs } from '@/lib/masters/master-search.repository';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { staffNames } from '@/lib/staff/staff-names';
import { firstVersion, listVersionHistory, retractVersion, reviseVersion, type VersionedStore } from '@/lib/records/versioned-record';
import { allergyRepository } from './allergy.repository';
import { compareAllergies, toAllergyDto, type AllergenOptionDto, type AllergyDto, type AllergyHistoryDto, type DrugOptionDto } from './allergy.dto';
import {
  recordAllergySchema,
  retractAllergySchema,
  reviseAllergySchema,
  searchAllergyMasterSchema,
  type RecordAllergyData,
  type RecordAllergyInput,
  type RetractAllergyInput,
  type ReviseAllergyInput,
  type SearchAllergyMasterInput,
} from './allergy.schema';

import { DRUG_CLASS_CODE_SYSTEM, drugClass, searchDrugClasses, type DrugClass } from './drug-classes';

const RESOURCE = 'allergy';

const versions: VersionedStore<Allergy> = { kind: 'allergy', resourceType: RESOURCE, noun: 'アレルギー情報', ...allergyRepository };

type Coding = { codeSystem: string | null; code: string | null; yjCode: string | null; masterName: string | null };
export type AllergyCoding = Coding;

/** Looks the chosen code up in the masters (never trusting names or YJ codes sent by the client). */
async function resolveCoding(input: Pick<RecordAllergyData, 'drugCode' | 'allergenCode' | 'drugClassCode'>): Promise<Coding | null> {
  if (input.drugClassCode) {
    const cls = drugClass(input.drugClassCode);
    if (!cls) throw new AppError('INVALID_INPUT', '薬効分類にないコードです。検索して選択し直してください。', { drugClassCode: '薬効分類にないコードです。' });
    return { codeSystem: DRUG_CLASS_CODE_SYSTEM, code: cls.code, yjCode: null, masterName: cls.name };
  }
  if (input.drugCode) {
    const drug = (await getDrugsByCodes([input.drugCode]))[0];
    if (!drug) throw new AppError('INVALID_INPUT', '医薬品マスターにないコードです。検索して選択し直してください。', { drugCode: '医薬品マスターにないコードです。' });
    return drug.yjCode
      ? { codeSystem: 'yj', code: drug.yjCode, yjCode: drug.yjCode, masterName: drug.name }
      : { codeSystem: 'receipt', code: drug.code, yjCode: null, masterName: drug.name };
  }
  if (input.allergenCode) {
    const allergen = await allergyRepository.findAllergen(db(), input.allergenCode);
    if (!allergen) throw new AppError('INVALID_INPUT', 'J-FAGYにないコードです。検索して選択し直してください。', { allergenCode: 'J-FAGYにないコードです。' });
    return { codeSystem: `jfagy-${allergen.category}`, code: allergen.code, yjCode: null, masterName: allergen.name };
  }
  return null;
}

function contentFields(data: Omit<RecordAllergyData, 'patientId'>, coding: Coding | null, previous?: Allergy) {
  const kept = !coding && previous && 'keepCoding' in data && data.keepCoding ? previous : null;
  const substanceName = data.substanceName ?? coding?.masterName ?? kept?.substanceName;
  if (!substanceName) throw new AppError('INVALID_INPUT', '原因物質名を入力してください。', { substanceName: '原因物質名を入力してください。' });
  return {
    category: data.category,
    codeSystem: coding?.codeSystem ?? kept?.codeSystem ?? null,
    code: coding?.code ?? kept?.code ?? null,
    yjCode: data.category === 'medication' ? (coding?.yjCode ?? kept?.yjCode ?? null) : null,
    substanceName,
    reaction: data.reaction ?? null,
    severity: data.severity ?? null,
    onsetDate: data.onsetDate ? dateOnly(data.onsetDate) : null,
    endDate: data.endDate ? dateOnly(data.endDate) : null,
    clinicalStatus: data.clinicalStatus,
    verification: data.verification,
    note: data.note ?? null,
  };
}

async function requirePatient(c: Tx | ReturnType<typeof db>, actor: Principal, patientId: string) {
  const patient = await patientRepository.findById(c, { clinicId: actor.clinicId, patientId });
  if (!patient) throw notFound();
}

async function withNames(rows: Allergy[], clinicId: string): Promise<AllergyDto[]> {
  const names = await staffNames(clinicId, rows.map((r) => r.recordedById));
  return rows.map((r) => toAllergyDto(r, names));
}

/**
 * Records an allergy (doctor or nurse). A server-side caller (never a client) may hand over a `coding` it took from a
 * trusted source, and `facts` for the create's audit detail: the copy of another institution's allergy
 * (lib/sharing/shared-records) keeps the allergen code that institution sent, and notes where it came from.
 */
export async function recordAllergy(input: RecordAllergyInput, actor: Principal, options: { coding?: AllergyCoding; facts?: WriteFacts } = {}): Promise<AllergyDto> {
  await requirePermission(actor, 'allergy.write');
  const data = parseInput(recordAllergySchema, input);
  const coding = options.coding ?? (await resolveCoding(data));
  const fields = contentFields(data, coding);
  const visit = await openVisitToday(data.patientId, actor);
  const row = await runInTransaction(async (tx) => {
    await requirePatient(tx, actor, data.patientId);
    const { clinicId: _c, ...first } = firstVersion(actor, data.patientId);
    const departmentCode = await recordDepartmentRepository.defaultDepartmentCode(tx, { clinicId: actor.clinicId, visitId: visit?.id ?? null, userId: actor.userId });
    return createRecord(tx, actor, 'allergy', { ...first, ...fields, departmentCode, longTermStorage: false }, { category: fields.category, codeSystem: fields.codeSystem, ...options.facts });
  });
  return (await withNames([row], actor.clinicId))[0]!;
}

/** An edit (incl. a change of clinicalStatus to 解消): version n+1 with a reason. */
export async function reviseAllergy(input: ReviseAllergyInput, actor: Principal): Promise<AllergyDto> {
  await requirePermission(actor, 'allergy.write');
  const data = parseInput(reviseAllergySchema, input);
  const { allergyId, changeReason, ...content } = data;
  const coding = await resolveCoding(content);
  const row = await reviseVersion(versions, actor, { id: allergyId, changeReason }, (previous) => contentFields(content, coding, previous));
  return (await withNames([row], actor.clinicId))[0]!;
}

/**
 * 取消 (entered in error): a new version with the reason; it disappears from the chart and the safety check. A nurse
 * may 取消 only a version she recorded herself (her own entry error): an allergy a doctor recorded or revised guards
 * every later prescription, so only a doctor takes it back (docs/decisions/0022).
 */
export async function retractAllergy(input: RetractAllergyInput, actor: Principal): Promise<AllergyDto> {
  await requirePermission(actor, 'allergy.write');
  const data = parseInput(retractAllergySchema, input);
  if (!can(actor.role, 'prescription.confirm')) {
    const current = await allergyRepository.findById(db(), { clinicId: actor.clinicId, id: data.allergyId });
    if (current && current.recordedById !== actor.userId) {
      throw new AppError('FORBIDDEN', '他の職員が記録したアレルギー情報の取消は医師が行います。医師に依頼してください。');
    }
  }
  const row = await retractVersion(versions, actor, { id: data.allergyId, reason: data.reason });
  return (await withNames([row], actor.clinicId))[0]!;
}

/** The patient's current allergies (not entered in error): active first, medication and severe first. */
export async function listAllergiesForPatient(patientId: string, actor: Principal, purpose: 'chart' | 'banner' = 'chart'): Promise<AllergyDto[]> {
  await requirePermission(actor, 'chart.read');
  await requirePatient(db(), actor, patientId);
  const rows = await allergyRepository.listLatest(db(), { clinicId: actor.clinicId, patientId }, { activeOnly: purpose === 'banner' });
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, patientId, detail: { purpose, count: rows.length }, ctx: actor.ctx });
  return (await withNames(rows, actor.clinicId)).sort(compareAllergies);
}

/** Every version of every allergy (incl. entered in error), grouped by lineage. */
export async function listAllergyHistory(patientId: string, actor: Principal): Promise<AllergyHistoryDto[]> {
  return listVersionHistory(versions, actor, patientId, (rows) => withNames(rows, actor.clinicId));
}

/** 医薬品マスター search for 薬剤アレルギー (a master read: no audit). */
export async function searchDrugMaster(input: SearchAllergyMasterInput, actor: Principal): Promise<DrugOptionDto[]> {
  await requirePermission(actor, 'chart.read');
  const { q, limit } = parseInput(searchAllergyMasterSchema, input);
  return q ? searchDrugs(q, limit) : [];
}

/** 薬効分類 by name or code, for class allergies (ペニシリン系 …). Reference data: no patient data, not audited. */
export async function searchDrugClassMaster(input: SearchAllergyMasterInput, actor: Principal): Promise<DrugClass[]> {
  await requirePermission(actor, 'chart.read');
  const { q, limit } = parseInput(searchAllergyMasterSchema, input);
  return searchDrugClasses(q, limit);
}

/** J-FAGY search (食物・非食物・薬剤), optionally one kind only. */
export async function searchAllergenMaster(input: SearchAllergyMasterInput, actor: Principal): Promise<AllergenOptionDto[]> {
  await requirePermission(actor, 'chart.read');
  const { q, limit, kind } = parseInput(searchAllergyMasterSchema, input);
  if (!q) return [];
  const hits = await searchAllergens(q, kind ? Math.min(100, limit * 3) : limit);
  return (kind ? hits.filter((h) => h.category === kind) : hits).slice(0, limit);
}
