/**
 * Changes made in ORCA to patients the EHR is linked to (docs/orca.md "Changes made in ORCA"): ORCA's 患者番号一覧 of
 * the last days (patientlst1v2 class 01: registered or updated, by date) narrowed to linked patients, each re-read
 * (patientgetv2) and compared with the EHR patient — 氏名, カナ, 生年月日, 性別, 住所 and ORCA's 保険組合せ. Reception sees
 * the differences side by side and applies them on confirmation: the EHR patient gets a new version (revision, audit);
 * the 保険組合せ kept on the link is replaced. Nothing is overwritten without a person: ORCA normalises text (外字 → ■)
 * and the EHR's record is the chart's record of truth, so no field applies automatically, whoever numbers patients.
 */
import { subDays } from 'date-fns';
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { AppError } from '@/lib/core/app-error';
import { db, runInTransaction } from '@/lib/core/db';
import { isoDate, todayJst } from '@/lib/core/dates';
import { parseInput } from '@/lib/core/zod';
import { adoptDemographicsFromOrca, type OrcaDemographics } from '@/lib/records/patients/patient.service';
import { linkedClinic, orcaMessage, type OrcaDeps } from './orca-clinic-link.service';
import { orcaLinkRepository as repo } from './orca-link.repository';
import { normaliseName, SEX_FROM_ORCA, SEX_TO_ORCA } from './orca-patient-match';
import { OrcaBusyError, OrcaRejectedError, OrcaUnavailableError, type OrcaInsuranceCombination, type OrcaLink, type OrcaPatient } from './orca-port';
import { applyOrcaPatientChangeSchema, type ApplyOrcaPatientChangeInput } from './orca.schema';

type Deps = OrcaDeps;

/** how far back ORCA's change list is read (by date; a change stays listed until applied or older than this) */
export const ORCA_CHANGE_DAYS = 7;
/** at most this many changed patients are re-read per look (one patientgetv2 each) */
const MAX_REREAD = 50;

export type OrcaChangeField = 'name' | 'kana' | 'birthDate' | 'sex' | 'address' | 'insurance';
export const ORCA_CHANGE_FIELD_LABELS: Record<OrcaChangeField, string> = { name: '氏名', kana: 'カナ', birthDate: '生年月日', sex: '性別', address: '住所', insurance: '保険（ORCAの保険組合せ）' };

export type OrcaPatientChangeDto = {
  patientId: string;
  patientNumber: number;
  name: string;
  version: number;
  orcaPatientId: string;
  /** ORCA's UpdateDate and UpdateTime */
  orcaUpdatedAt: string | null;
  differences: { field: OrcaChangeField; label: string; ehr: string; orca: string }[];
};
export type OrcaPatientChangesDto = { state: 'off' } | { state: 'unavailable'; message: string } | { state: 'ok'; from: string; to: string; rows: OrcaPatientChangeDto[] };

const SEX_LABEL: Record<string, string> = { '1': '男', '2': '女' };
const digits = (s: string | null | undefined) => (s ?? '').replace(/\D/g, '');
const normaliseAddress = (s: string | null | undefined) => (s ?? '').normalize('NFKC').replace(/[\s\u2010-\u2015\u2212ー-]/g, '');
const combinationsText = (list: OrcaInsuranceCombination[]) =>
  list.length ? list.map((c) => `${c.combinationNumber} ${c.providerName || c.providerClass}${c.outpatientRate !== null ? `（${Math.round(c.outpatientRate * 100)}%）` : ''}`).join('、') : 'なし';
const combinationsKey = (list: OrcaInsuranceCombination[]) => JSON.stringify(list.map((c) => [c.combinationNumber, c.providerClass, c.outpatientRate]).sort());
const splitName = (whole: string): [string, string] | null => {
  const parts = whole.trim().split(/[\s\u3000]+/);
  return parts.length >= 2 ? [parts[0]!, parts.slice(1).join('')] : null;
};

type EhrPatient = NonNullable<Awaited<ReturnType<typeof repo.patientForOrca>>>;

/** What differs between the EHR patient and ORCA's, and the EHR values ORCA's would give. */
function compare(patient: EhrPatient, orca: OrcaPatient, storedCombinations: OrcaInsuranceCombination[]) {
  const differences: OrcaPatientChangeDto['differences'] = [];
  const changes: OrcaDemographics = {};
  const add = (field: OrcaChangeField, ehr: string, orcaText: string) => differences.push({ field, label: ORCA_CHANGE_FIELD_LABELS[field], ehr, orca: orcaText });
  if (normaliseName(`${patient.familyName}${patient.givenName}`) !== normaliseName(orca.name)) {
    add('name', `${patient.familyName} ${patient.givenName}`, orca.name);
    const split = splitName(orca.name);
    if (split) Object.assign(changes, { familyName: split[0], givenName: split[1] });
  }
  if (normaliseName(`${patient.familyNameKana}${patient.givenNameKana}`) !== normaliseName(orca.kana)) {
    add('kana', `${patient.familyNameKana} ${patient.givenNameKana}`, orca.kana);
    const split = splitName(orca.kana);
    if (split) Object.assign(changes, { familyNameKana: split[0], givenNameKana: split[1] });
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(orca.birthDate) && isoDate(patient.birthDate) !== orca.birthDate) {
    add('birthDate', isoDate(patient.birthDate), orca.birthDate);
    changes.birthDate = orca.birthDate;
  }
  if (SEX_TO_ORCA[patient.sex] !== orca.sex) {
    add('sex', SEX_LABEL[SEX_TO_ORCA[patient.sex] ?? ''] ?? '不明', SEX_LABEL[orca.sex] ?? orca.sex);
    changes.sex = SEX_FROM_ORCA[orca.sex];
  }
  // an ORCA patient without an address never clears the EHR's
  if (orca.home && (digits(orca.home.zipCode) !== digits(patient.postalCode) || normaliseAddress(orca.home.address) !== normaliseAddress(patient.address))) {
    const zip = digits(orca.home.zipCode);
    add('address', `${patient.postalCode ? `〒${patient.postalCode} ` : ''}${patient.address ?? ''}`.trim() || 'なし', `${zip ? `〒${zip.slice(0, 3)}-${zip.slice(3)} ` : ''}${orca.home.address}`.trim());
    Object.assign(changes, { postalCode: zip.length === 7 ? `${zip.slice(0, 3)}-${zip.slice(3)}` : null, address: orca.home.address || null });
  }
  const insuranceChanged = combinationsKey(storedCombinations) !== combinationsKey(orca.insuranceCombinations);
  if (insuranceChanged) add('insurance', combinationsText(storedCombinations), combinationsText(orca.insuranceCombinations));
  return { differences, changes, insuranceChanged };
}

/** Linked patients ORCA changed in the last ORCA_CHANGE_DAYS days whose data now differs from the EHR's. Audited. */
export async function listOrcaPatientChanges(actor: Principal, deps: Deps = {}): Promise<OrcaPatientChangesDto> {
  await requirePermission(actor, 'patient.write');
  const link = await linkedClinic(actor, deps);
  if (!link) return { state: 'off' };
  const now = deps.clock?.() ?? new Date();
  const to = todayJst(now);
  const from = todayJst(subDays(now, ORCA_CHANGE_DAYS));
  const rows: OrcaPatientChangeDto[] = [];
  try {
    // overlapping date window, newest first; de-duplicated by 患者番号 (ORCA's feed is by date only)
    const changed = (await link.listChangedPatients({ from, to })).filter((p) => !p.testPatient).sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''));
    const links = await repo.linksByOrcaIds(db(), actor.clinicId, [...new Set(changed.map((p) => p.patientId))]);
    const ehrOf = new Map(links.map((l) => [l.orcaPatientId, l.patientId]));
    const seen = new Set<string>();
    for (const summary of changed) {
      const patientId = ehrOf.get(summary.patientId);
      if (!patientId || seen.has(summary.patientId) || seen.size >= MAX_REREAD) continue;
      seen.add(summary.patientId);
      const [orca, patient, patientLink] = await Promise.all([link.getPatient(summary.patientId), repo.patientForOrca(db(), actor.clinicId, patientId), repo.patientLink(db(), actor.clinicId, patientId)]);
      if (!orca || !patient || patient.deletedAt) continue;
      const { differences } = compare(patient, orca, (patientLink?.insuranceCombinations ?? []) as OrcaInsuranceCombination[]);
      if (!differences.length) continue;
      rows.push({ patientId, patientNumber: patient.patientNumber, name: `${patient.familyName} ${patient.givenName}`, version: patient.version, orcaPatientId: orca.patientId, orcaUpdatedAt: summary.updatedAt ?? null, differences });
    }
  } catch (error) {
    const message = orcaMessage(error);
    if (message) return { state: 'unavailable', message };
    throw error;
  }
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'orca_patient', detail: { via: 'orca', list: 'changed_in_orca', from, to, patientIds: rows.map((r) => r.patientId), fields: rows.map((r) => r.differences.map((d) => d.field)) }, ctx: actor.ctx });
  return { state: 'ok', from, to, rows };
}

/**
 * 反映: ORCA is read again (never the screen's copy) and what differs is applied — demographics as a new version of the
 * EHR patient (adoptDemographicsFromOrca; refused when the version moved on since the screen showed it), the 保険組合せ
 * on the link. Audited. A name ORCA holds without the 氏/名 space cannot be split and is refused.
 */
export async function applyOrcaPatientChange(raw: ApplyOrcaPatientChangeInput, actor: Principal, deps: Deps = {}): Promise<{ applied: OrcaChangeField[] }> {
  await requirePermission(actor, 'patient.write');
  const input = parseInput(applyOrcaPatientChangeSchema, raw);
  const link = await linkedClinic(actor, deps);
  if (!link) throw new AppError('PRECONDITION_FAILED', 'この医療機関はORCAと連携していません。');
  const [patient, patientLink] = await Promise.all([repo.patientForOrca(db(), actor.clinicId, input.patientId), repo.patientLink(db(), actor.clinicId, input.patientId)]);
  if (!patient || patient.deletedAt || !patientLink?.orcaPatientId) throw new AppError('NOT_FOUND', 'ORCAと連携している患者が見つかりません。');
  if (patient.version !== input.expectedVersion) throw new AppError('CONFLICT', '他の職員がこの患者情報を先に更新しました。画面を更新してください。');
  let orca: OrcaPatient | null;
  try {
    orca = await link.getPatient(patientLink.orcaPatientId);
  } catch (error) {
    const message = orcaMessage(error);
    if (message) throw new AppError('PRECONDITION_FAILED', message);
    throw error;
  }
  if (!orca) throw new AppError('NOT_FOUND', `ORCAに患者番号 ${patientLink.orcaPatientId} の患者がいません。`);
  const { differences, changes, insuranceChanged } = compare(patient, orca, patientLink.insuranceCombinations as OrcaInsuranceCombination[]);
  if (!differences.length) return { applied: [] };
  const unsplittable = differences.filter((d) => (d.field === 'name' && !changes.familyName) || (d.field === 'kana' && !changes.familyNameKana));
  if (unsplittable.length) throw new AppError('PRECONDITION_FAILED', `ORCAの${unsplittable.map((d) => d.label).join('・')}に氏と名の区切りがないため反映できません。患者情報の編集で直してください。`);
  if (Object.keys(changes).length) await adoptDemographicsFromOrca({ patientId: patient.id, expectedVersion: input.expectedVersion, changes, orcaPatientId: orca.patientId }, actor);
  if (insuranceChanged) {
    await runInTransaction(async (tx) => {
      await repo.savePatientLink(tx, actor.clinicId, patient.id, { insuranceCombinations: orca.insuranceCombinations as object[] }, new Date());
      await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'update', resourceType: 'orca_patient', resourceId: orca.patientId, patientId: patient.id, detail: { via: 'orca', insuranceCombinations: orca.insuranceCombinations.map((c) => c.combinationNumber) }, ctx: actor.ctx });
    });
  }
  return { applied: differences.map((d) => d.field) };
}
