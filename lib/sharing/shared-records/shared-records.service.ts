/**
 * 他院の情報 (issue 10 §6): what other institutions registered with the 電子カルテ情報共有サービス for the patient —
 * diagnoses, allergies, labs — read through the sharing port with the patient's consent in force, parsed with care
 * (shared-records.parse.ts), each item with its source institution and date, kept apart from the clinic's own records.
 * Every read is audited (before anything is returned). A doctor may copy a diagnosis or an allergy into the chart after
 * review: the source entry is read again from the service (never taken from the client), and the record is written
 * through the diagnosis / allergy services, i.e. the write path, with the provenance in its note and audit detail.
 */
import { AppError, notFound } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { todayJst } from '@/lib/core/dates';
import { parseInput } from '@/lib/core/zod';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { memberIdentifier } from '@/lib/fhir/patient';
import { CODE_SYSTEMS } from '@/lib/fhir/profiles';
import { loadClinicInput, loadPatientInput } from '@/lib/fhir/source.repository';
import { recordAllergy, type AllergyCoding } from '@/lib/records/allergies/allergy.service';
import type { AllergyDto } from '@/lib/records/allergies/allergy.dto';
import { recordDiagnosis } from '@/lib/records/diagnoses/diagnosis.service';
import { getDiseasesByMedisCodes } from '@/lib/masters/master-search.repository';
import type { DiagnosisDto } from '@/lib/records/diagnoses/diagnosis.dto';
import { consentInForce, listSharingConsents } from '../consent/consent.service';
import type { SharingConsentDto } from '../consent/consent.dto';
import { getSharingService } from '../get-sharing-service';
import { SharingRejectedError, SharingUnavailableError, type SharedInfoKind, type SharingService } from '../sharing-service';
import type { OtherInstitutionsView, SharedAllergyDto, SharedDiagnosisDto, SharedLabDto, SharedSource } from './shared-records.dto';
import { findSharedEntry, parseSharedBundles } from './shared-records.parse';
import { copySharedAllergySchema, copySharedDiagnosisSchema, type CopySharedAllergyInput, type CopySharedDiagnosisInput } from './shared-records.schema';

const RESOURCE = 'shared_records';

export type SharedRecordsDeps = { service?: SharingService; now?: Date };

type Fetched = { memberId: string; consent: SharingConsentDto; bundles: unknown };

/** The patient's member ID and the consent in force, then the service's answer; or why there is none. */
async function fetchShared(patientId: string, actor: Principal, deps: SharedRecordsDeps): Promise<Fetched | Exclude<OtherInstitutionsView, { state: 'ok' }>> {
  const now = deps.now ?? new Date();
  const patient = await loadPatientInput(db(), actor.clinicId, patientId);
  if (!patient) throw notFound();
  const memberId = memberIdentifier(patient)?.value;
  if (!memberId) return { state: 'no_member_id' };
  const consent = await consentInForce(patientId, actor, now);
  if (!consent) return { state: 'no_consent', latest: null };
  const clinic = await loadClinicInput(db(), actor.clinicId);
  try {
    const bundles = await (deps.service ?? getSharingService()).fetchPatientRecords({
      memberId,
      consent: { givenAt: consent.givenAt, scope: consent.scope },
      excludeInstitution: clinic?.institutionNumber,
    });
    return { memberId, consent, bundles };
  } catch (error) {
    if (error instanceof SharingUnavailableError) return { state: 'unavailable', consent, message: `${error.message}。時間をおいて再度表示してください。` };
    if (error instanceof SharingRejectedError) return { state: 'unavailable', consent, message: `共有サービスが照会を受け付けませんでした（${error.issues.map((i) => i.message).join('、')}）。` };
    throw error;
  }
}

/**
 * Diagnoses another institution coded with a MEDIS 病名管理番号 or 病名交換用コード only (the JP-CLINS Condition allows
 * either; the IG's own examples do it) get the 傷病名コード of that MEDIS code from the master, so the doctor can take
 * the coded name into the chart instead of retyping it as free text. A code the master does not know stays uncoded.
 */
export async function withDiseaseCodes<T extends SharedDiagnosisDto>(diagnoses: T[]): Promise<T[]> {
  const wanted = [...new Set(diagnoses.filter((d) => !d.diseaseCode && d.medisCode).map((d) => d.medisCode!))];
  if (!wanted.length) return diagnoses;
  const found = await getDiseasesByMedisCodes(wanted.filter((c) => /^\d{8}$/.test(c)), wanted.filter((c) => !/^\d{8}$/.test(c)));
  const byMedis = new Map<string, string>();
  for (const hit of found) {
    if (hit.keyNumber) byMedis.set(hit.keyNumber, hit.code);
    if (hit.exchangeCode) byMedis.set(hit.exchangeCode, hit.code);
  }
  return diagnoses.map((d) => (!d.diseaseCode && d.medisCode && byMedis.has(d.medisCode) ? { ...d, diseaseCode: byMedis.get(d.medisCode)! } : d));
}

/** The 他院の情報 panel's content. Audited whatever the outcome (no consent, service down, data shown). */
export async function loadOtherInstitutionsView(patientId: string, actor: Principal, deps: SharedRecordsDeps = {}): Promise<OtherInstitutionsView> {
  await requirePermission(actor, 'chart.read');
  const fetched = await fetchShared(patientId, actor, deps);
  let view: OtherInstitutionsView;
  if ('state' in fetched) {
    view = fetched.state === 'no_consent' ? { state: 'no_consent', latest: (await listSharingConsents(patientId, actor, deps.now))[0] ?? null } : fetched;
  } else {
    const parsed = parseSharedBundles(fetched.bundles, fetched.memberId);
    const records = { ...parsed, diagnoses: await withDiseaseCodes(parsed.diagnoses) };
    const institutions = new Set([...records.diagnoses, ...records.allergies, ...records.labs].map((r) => r.source.institutionNumber));
    view = { state: 'ok', consent: fetched.consent, fetchedAt: (deps.now ?? new Date()).toISOString(), records, institutions: institutions.size };
  }
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'read',
    resourceType: RESOURCE,
    patientId,
    // no consent / no 被保険者個人識別子 is the panel working as it should (it says so, nothing was fetched): only a
    // service that could not answer is a failure in the audit report
    outcome: view.state === 'unavailable' ? 'failure' : 'success',
    detail:
      view.state === 'ok'
        ? {
            state: view.state,
            consentId: view.consent.id,
            scope: view.consent.scope,
            institutions: [...new Set([...view.records.diagnoses, ...view.records.allergies, ...view.records.labs].map((r) => r.source.institutionNumber))],
            counts: { diagnoses: view.records.diagnoses.length, allergies: view.records.allergies.length, labs: view.records.labs.length, problems: view.records.problems.length },
          }
        : { state: view.state },
    ctx: actor.ctx,
  });
  return view;
}

/** The source entry, read again from the service with the consent in force (its scope must cover the kind). */
async function requireSourceEntry(patientId: string, ref: { identifier: string; index: number }, kind: SharedInfoKind, actor: Principal, deps: SharedRecordsDeps) {
  const fetched = await fetchShared(patientId, actor, deps);
  if ('state' in fetched) {
    if (fetched.state === 'unavailable') throw new AppError('PRECONDITION_FAILED', fetched.message);
    if (fetched.state === 'no_member_id') throw new AppError('PRECONDITION_FAILED', '被保険者個人識別子がないため、他院の情報を照会できません。');
    throw new AppError('PRECONDITION_FAILED', '他院の情報の閲覧同意がありません（または期限切れです）。同意を記録してから操作してください。');
  }
  if (!fetched.consent.scope.includes(kind)) throw new AppError('PRECONDITION_FAILED', 'この情報は閲覧同意の範囲外です。');
  const entry = findSharedEntry(fetched.bundles, fetched.memberId, ref);
  if (!entry) throw new AppError('NOT_FOUND', '転記元の他院情報が見つかりません（取り下げられた可能性があります）。画面を再読み込みしてください。');
  return entry;
}

/** The provenance line every copied record's note starts with (the source institution and its registration date). */
export function provenanceNote(source: SharedSource, remark?: string): string {
  const line = `【他院情報から転記】${source.institutionName}（医療機関コード ${source.institutionNumber}）${todayJst(new Date(source.registeredAt))}登録`;
  return remark ? `${line}\n${remark}` : line;
}

const provenanceFacts = (entry: { source: SharedSource; identifier: string; index: number }) => ({
  copiedFrom: { institutionNumber: entry.source.institutionNumber, identifier: entry.identifier, index: entry.index, registeredAt: entry.source.registeredAt },
});

/** Copies another institution's diagnosis into the chart as the clinic's own, after the doctor reviewed it. */
export async function copySharedDiagnosis(input: CopySharedDiagnosisInput, actor: Principal, deps: SharedRecordsDeps = {}): Promise<DiagnosisDto> {
  await requirePermission(actor, 'shared.copy');
  const data = parseInput(copySharedDiagnosisSchema, input);
  const entry = await requireSourceEntry(data.patientId, data, 'diagnoses', actor, deps);
  return recordReviewedDiagnosis(data.patientId, entry, data, actor);
}

/** Writes a reviewed diagnosis from outside (他院の情報, a received letter) through the diagnosis service, with its provenance. */
export async function recordReviewedDiagnosis(
  patientId: string,
  entry: SharedDiagnosisDto | SharedAllergyDto | SharedLabDto,
  data: { diseaseCode?: string; freeText?: string; isSuspected: boolean; startDate?: string; note?: string },
  actor: Principal,
  extraFacts: Record<string, unknown> = {},
): Promise<DiagnosisDto> {
  if (entry.kind !== 'diagnosis') throw new AppError('INVALID_INPUT', '転記元が傷病名ではありません。');
  return recordDiagnosis(
    { patientId, diseaseCode: data.diseaseCode, freeText: data.freeText, isSuspected: data.isSuspected, startDate: data.startDate, note: provenanceNote(entry.source, data.note) },
    actor,
    { facts: { ...provenanceFacts(entry), ...extraFacts } },
  );
}

/** The allergen code the institution sent, in our model's terms, when the reviewed category still fits it. */
function sourceCoding(entry: SharedAllergyDto, category: string): AllergyCoding | null {
  const code = entry.code?.toUpperCase() ?? '';
  const none = { yjCode: null, masterName: null };
  if (entry.codeSystem === CODE_SYSTEMS.jfagyMedicationYcm && /^YCM[0-9A-Z]{12}$/.test(code) && category === 'medication') {
    return { codeSystem: 'yj', code: code.slice(3), yjCode: code.slice(3), masterName: null };
  }
  if (entry.codeSystem === CODE_SYSTEMS.jfagyMedicationGcm && /^GCM[0-9A-Z]{12}$/.test(code) && category === 'medication') return { codeSystem: 'generic', code: code.slice(3), ...none };
  if (entry.codeSystem === CODE_SYSTEMS.jfagyFood && /^J9F[0-9A-Z]{9}$/.test(code) && category === 'food') return { codeSystem: 'jfagy-food', code, ...none };
  if (entry.codeSystem === CODE_SYSTEMS.jfagyNonFood && /^J9N[0-9A-Z]{9}$/.test(code) && (category === 'environment' || category === 'other')) return { codeSystem: 'jfagy-nonfood', code, ...none };
  return null;
}

/** Copies another institution's allergy into the chart as the clinic's own, after the doctor reviewed it. */
export async function copySharedAllergy(input: CopySharedAllergyInput, actor: Principal, deps: SharedRecordsDeps = {}): Promise<AllergyDto> {
  await requirePermission(actor, 'shared.copy');
  const data = parseInput(copySharedAllergySchema, input);
  const entry = await requireSourceEntry(data.patientId, data, 'allergies', actor, deps);
  return recordReviewedAllergy(data.patientId, entry, data, actor);
}

/** Writes a reviewed allergy from outside (他院の情報, a received letter) through the allergy service, with its provenance. */
export async function recordReviewedAllergy(
  patientId: string,
  entry: SharedDiagnosisDto | SharedAllergyDto | SharedLabDto,
  data: ReturnType<typeof copySharedAllergySchema.parse> extends infer T ? Omit<T, 'patientId' | 'identifier' | 'index'> : never,
  actor: Principal,
  extraFacts: Record<string, unknown> = {},
): Promise<AllergyDto> {
  if (entry.kind !== 'allergy') throw new AppError('INVALID_INPUT', '転記元がアレルギー情報ではありません。');
  const coding = data.keepSourceCode ? sourceCoding(entry, data.category) : null;
  if (data.keepSourceCode && !coding && entry.code && !/^D9[MFN]/.test(entry.code)) {
    throw new AppError('INVALID_INPUT', '他院のコードは選んだ分類と合いません。分類を戻すか「他院のコードを引き継ぐ」を外してください。', { category: '他院のコードと分類が合いません。' });
  }
  return recordAllergy(
    {
      patientId,
      category: data.category,
      substanceName: data.substanceName,
      reaction: data.reaction,
      severity: data.severity,
      onsetDate: data.onsetDate,
      clinicalStatus: 'active',
      verification: 'confirmed',
      note: provenanceNote(entry.source, data.note),
    },
    actor,
    { coding: coding ?? { codeSystem: null, code: null, yjCode: null, masterName: null }, facts: { ...provenanceFacts(entry), sourceCodeKept: Boolean(coding), ...extraFacts } },
  );
}
