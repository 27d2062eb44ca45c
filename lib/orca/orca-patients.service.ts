/**
 * Patients registered at the ORCA counter (docs/orca.md "Patients registered in ORCA"): ORCA's 患者番号一覧 of the last
 * 30 days (patientlst1v2) less the ones already linked, each with the EHR patients that could be the same person
 * (same birth date, sex and name); the receptionist brings one in — linked to the existing EHR patient, or registered
 * in the EHR from ORCA's name, kana, sex and birth date — so nobody types a patient twice. A person decides: ORCA's
 * own README routes possible duplicates to a human.
 */
import { subDays } from 'date-fns';
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { AppError } from '@/lib/core/app-error';
import { db, runInTransaction } from '@/lib/core/db';
import { dateOnly, todayJst } from '@/lib/core/dates';
import { parseInput } from '@/lib/core/zod';
import { registerPatient } from '@/lib/records/patients/patient.service';
import { registerPatientSchema } from '@/lib/records/patients/patient.schema';
import { linkedClinic, orcaMessage, type OrcaDeps } from './orca-clinic-link.service';
import { orcaLinkRepository as repo } from './orca-link.repository';
import { normaliseName, SEX_FROM_ORCA } from './orca-patient-match';
import type { OrcaLink, OrcaPatient } from './orca-port';
import { OrcaBusyError, OrcaRejectedError, OrcaUnavailableError } from './orca-port';
import type { OrcaRegisteredPatientDto, OrcaRegisteredPatientsDto } from './orca-admin.dto';
import { importOrcaPatientSchema, type ImportOrcaPatientInput } from './orca.schema';

type Deps = OrcaDeps;

/** ORCA writes 氏 and 名 with a full-width space between them (WholeName "山田　太郎") */
const splitName = (whole: string): [string, string] | null => {
  const parts = whole.trim().split(/[\s\u3000]+/);
  return parts.length >= 2 ? [parts[0]!, parts.slice(1).join('')] : null;
};
const ORCA_DAYS = 30;

/** ORCA's patients of the last 30 days that the EHR does not have yet, with possible matches. Audited (names are read). */
export async function listOrcaRegisteredPatients(actor: Principal, deps: Deps = {}): Promise<OrcaRegisteredPatientsDto> {
  await requirePermission(actor, 'patient.write');
  const link = await linkedClinic(actor, deps);
  if (!link) return { state: 'off' };
  const now = deps.clock?.() ?? new Date();
  const to = todayJst(now);
  const from = todayJst(subDays(now, ORCA_DAYS));
  let changed;
  try {
    changed = (await link.listChangedPatients({ from, to })).filter((p) => !p.testPatient);
  } catch (error) {
    const message = orcaMessage(error);
    if (message) return { state: 'unavailable', message };
    throw error;
  }
  const linked = new Set((await repo.linksByOrcaIds(db(), actor.clinicId, changed.map((p) => p.patientId))).map((l) => l.orcaPatientId));
  const rows: OrcaRegisteredPatientDto[] = [];
  for (const p of changed.filter((c) => !linked.has(c.patientId))) {
    const born = /^\d{4}-\d{2}-\d{2}$/.test(p.birthDate) ? await repo.patientsBornOn(db(), actor.clinicId, dateOnly(p.birthDate), SEX_FROM_ORCA[p.sex]) : [];
    const matches = born.filter((e) => normaliseName(`${e.familyName}${e.givenName}`) === normaliseName(p.name) || normaliseName(`${e.familyNameKana}${e.givenNameKana}`) === normaliseName(p.kana));
    rows.push({
      orcaPatientId: p.patientId,
      name: p.name,
      kana: p.kana,
      birthDate: p.birthDate,
      sex: SEX_FROM_ORCA[p.sex],
      importable: splitName(p.name) !== null && splitName(p.kana) !== null,
      matches: matches.map((e) => ({ id: e.id, patientNumber: e.patientNumber, name: `${e.familyName} ${e.givenName}`, linkedToOtherOrcaPatient: Boolean(e.orcaLink?.orcaPatientId) })),
    });
  }
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'read',
    resourceType: 'orca_patient',
    detail: { via: 'orca', list: 'registered_in_orca', from, to, orcaPatientIds: rows.map((r) => r.orcaPatientId), matchedPatientIds: rows.flatMap((r) => r.matches.map((m) => m.id)) },
    ctx: actor.ctx,
  });
  return { state: 'ok', from, to, rows };
}

/** 取込: links an ORCA patient to an existing EHR patient, or registers them in the EHR from ORCA's data. Audited. */
export async function importOrcaPatient(input: ImportOrcaPatientInput, actor: Principal, deps: Deps = {}): Promise<{ patientId: string; created: boolean }> {
  await requirePermission(actor, 'patient.write');
  const data = parseInput(importOrcaPatientSchema, input);
  const link = await linkedClinic(actor, deps);
  if (!link) throw new AppError('PRECONDITION_FAILED', 'この医療機関はORCAと連携していません。');
  let orca: OrcaPatient | null;
  try {
    orca = await link.getPatient(data.orcaPatientId);
  } catch (error) {
    const message = orcaMessage(error);
    if (message) throw new AppError('PRECONDITION_FAILED', message);
    throw error;
  }
  if (!orca) throw new AppError('NOT_FOUND', `ORCAに患者番号 ${data.orcaPatientId} の患者がいません。`);
  if ((await repo.linksByOrcaIds(db(), actor.clinicId, [orca.patientId])).length > 0) {
    throw new AppError('CONFLICT', `ORCAの患者番号 ${orca.patientId} はすでに電子カルテの患者と連携しています。`);
  }
  const now = deps.clock?.() ?? new Date();
  const linkRow = { orcaPatientId: orca.patientId, state: 'linked', message: null, insuranceCombinations: orca.insuranceCombinations as object[], linkedAt: now };

  if (data.patientId) {
    const patientId = data.patientId;
    const candidates = await repo.patientsBornOn(db(), actor.clinicId, dateOnly(orca.birthDate), SEX_FROM_ORCA[orca.sex]);
    const target = candidates.find((c) => c.id === patientId);
    if (!target) throw new AppError('CONFLICT', 'この患者とORCAの患者は生年月日または性別が違います。患者を確認してください。');
    if (target.orcaLink?.orcaPatientId) throw new AppError('CONFLICT', `この患者はすでにORCAの患者番号 ${target.orcaLink.orcaPatientId} と連携しています。`);
    await runInTransaction(async (tx) => {
      await repo.savePatientLink(tx, actor.clinicId, patientId, linkRow, now);
      await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'update', resourceType: 'orca_patient', resourceId: orca.patientId, patientId, detail: { via: 'orca', linked: 'existing', orcaPatientId: orca.patientId }, ctx: actor.ctx });
    });
    return { patientId, created: false };
  }

  const name = splitName(orca.name);
  const kana = splitName(orca.kana);
  if (!name || !kana) throw new AppError('PRECONDITION_FAILED', 'ORCAの氏名に氏と名の区切りがないため取り込めません。新規患者として登録してください。');
  // the EHR's own registration (validation, duplicate rules, revision, audit); ORCA's 保険 stays in ORCA (its 組合せ are
  // kept on the link) — the 保険証 is entered or taken from オンライン資格確認 at the next visit
  const registration = parseInput(registerPatientSchema, { familyName: name[0], givenName: name[1], familyNameKana: kana[0], givenNameKana: kana[1], sex: SEX_FROM_ORCA[orca.sex], birthDate: orca.birthDate, duplicateAcknowledged: true });
  const patient = await registerPatient(registration, actor, {
    alsoWrite: async (tx, patientId) => {
      await repo.savePatientLink(tx, actor.clinicId, patientId, linkRow, now);
      await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'create', resourceType: 'orca_patient', resourceId: orca.patientId, patientId, detail: { via: 'orca', linked: 'registered', orcaPatientId: orca.patientId }, ctx: actor.ctx });
    },
  });
  return { patientId: patient.id, created: true };
}
