/** What staff see of the ORCA link: a patient's link state on the patient page, the 算定 preview on the chart. */
import { recordAuditEventNow } from '@/lib/audit/audit';
import { notFound } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { dateOnly, todayJst } from '@/lib/core/dates';
import { getOrcaLink } from './get-orca-link';
import { orcaBundlesForVisit } from './orca-sync.service';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/principal';
import { oneOf } from '@/lib/core/text-enum';
import { orcaLinkRepository as repo } from './orca-link.repository';
import { ORCA_NUMBERING_MASTERS, ORCA_PATIENT_LINK_LABELS, ORCA_PATIENT_LINK_STATES, type OrcaNumberingMaster, type OrcaPatientLinkState } from './orca.constants';
import { OrcaBusyError, OrcaRejectedError, OrcaUnavailableError, type OrcaInsuranceCombination, type OrcaLink } from './orca-port';

export type OrcaPatientLinkDto = {
  numberingMaster: OrcaNumberingMaster;
  state: OrcaPatientLinkState;
  label: string;
  orcaPatientId: string | null;
  message: string | null;
  insuranceCombinations: OrcaInsuranceCombination[];
  linkedAt: string | null;
};

/**
 * The patient's link to ORCA for the patient page (the page's own read is audited by its loader); null when the clinic
 * has no ORCA link. A patient never sent yet is `pending` (sent with the first 受付).
 */
export async function getOrcaPatientLink(patientId: string, actor: Actor): Promise<OrcaPatientLinkDto | null> {
  await requirePermission(actor, 'patient.read');
  const settings = await repo.settings(db(), actor.clinicId);
  if (!settings) return null;
  const row = await repo.patientLink(db(), actor.clinicId, patientId);
  const state = row ? oneOf(ORCA_PATIENT_LINK_STATES, row.state) : 'pending';
  return {
    numberingMaster: oneOf(ORCA_NUMBERING_MASTERS, settings.numberingMaster),
    state,
    label: ORCA_PATIENT_LINK_LABELS[state],
    orcaPatientId: row?.orcaPatientId ?? null,
    message: row?.message ?? null,
    insuranceCombinations: (row?.insuranceCombinations as OrcaInsuranceCombination[] | null) ?? [],
    linkedAt: row?.linkedAt?.toISOString() ?? null,
  };
}

/** Whether the actor's clinic sends its visits to ORCA (the chart shows the 算定 preview then). */
export async function isOrcaLinkedClinic(actor: Actor): Promise<boolean> {
  return getOrcaLink() !== null && (await repo.settings(db(), actor.clinicId)) !== null;
}

export type OrcaChargePreviewDto =
  | {
      kind: 'ok';
      totalPoints: number;
      /** 請求金額: what the patient pays */
      billedYen: number;
      burdenLabel: string | null;
      details: { name: string; points: number }[];
      /** drugs without a レセ電 code, left out of the calculation */
      unsendable: string[];
      /** 'YYYY-MM-DD' the calculation is for */
      date: string;
    }
  | { kind: 'unavailable'; message: string };

/**
 * 算定 preview at the doctor's desk (issue 15): what ORCA's 請求金額シミュレーション (acsimulatev2) computes for today's
 * orders on screen — the 診察料 and the day's prescriptions, drafts included — before 確定. Nothing is stored in ORCA.
 * Audited as a disclosure of the patient's orders to ORCA.
 */
export async function previewOrcaCharge(patientId: string, actor: Actor, deps: { link?: OrcaLink | null } = {}): Promise<OrcaChargePreviewDto> {
  await requirePermission(actor, 'chart.read');
  const link = deps.link === undefined ? getOrcaLink() : deps.link;
  const settings = await repo.settings(db(), actor.clinicId);
  if (!link || !settings) return { kind: 'unavailable', message: 'この医療機関はORCAと連携していません。' };
  const date = todayJst();
  const visit = await repo.openVisitOn(db(), actor.clinicId, patientId, dateOnly(date));
  if (!visit) throw notFound();
  const patientLink = await repo.patientLink(db(), actor.clinicId, patientId);
  if (!patientLink?.orcaPatientId) return { kind: 'unavailable', message: 'ORCAに患者が登録されていません（受付がORCAに送られると表示できます）。' };
  const visitLink = await repo.visitLink(db(), actor.clinicId, visit.id);
  const { bundles, unsendable } = await orcaBundlesForVisit(actor.clinicId, visit, true);
  try {
    const sim = await link.simulateCharge({
      patientId: patientLink.orcaPatientId,
      performDate: date,
      departmentCode: visitLink?.departmentCode ?? '01',
      insuranceCombinationNumber: visitLink?.insuranceCombinationNumber ?? undefined,
      bundles,
    });
    await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'export', resourceType: 'orca_simulation', resourceId: visit.id, patientId, detail: { via: 'orca', bundles: bundles.length, totalPoints: sim.totalPoints }, ctx: actor.ctx });
    return { kind: 'ok', totalPoints: sim.totalPoints, billedYen: sim.billedYen, burdenLabel: sim.burdenLabel, details: sim.details.map((d) => ({ name: d.name, points: d.points })), unsendable, date };
  } catch (error) {
    if (error instanceof OrcaBusyError || error instanceof OrcaUnavailableError) return { kind: 'unavailable', message: 'ORCAに接続できないため算定できません。' };
    if (error instanceof OrcaRejectedError) return { kind: 'unavailable', message: `ORCAが算定できませんでした（${error.code}: ${error.message}）` };
    throw error;
  }
}
