/** 入院 as the chart and the 退院時サマリー see it (docs/decisions/0087). */
import type { Admission } from '@/lib/generated/prisma/client';
import { isoDate } from '@/lib/core/dates';
import { DISCHARGE_OUTCOMES, type DischargeOutcome } from '@/lib/records/documents/document.constants';
import { ADMISSION_STATUS_LABELS, type AdmissionStatus } from './admission.constants';

export type AdmissionDiagnosisDto = { lineageId: string; name: string };

export type AdmissionDto = {
  id: string;
  lineageId: string;
  version: number;
  isLatest: boolean;
  patientId: string;
  status: AdmissionStatus;
  statusLabel: string;
  /** YYYY-MM-DD */
  admittedOn: string;
  dischargedOn: string | null;
  /** 入院日数 (both days counted: 入院日 = 1日目), up to 退院日 or today */
  days: number;
  reason: string;
  admissionDiagnoses: AdmissionDiagnosisDto[];
  dischargeDiagnoses: AdmissionDiagnosisDto[];
  outcome: DischargeOutcome | null;
  outcomeLabel: string | null;
  destination: string | null;
  attendingDoctorId: string;
  attendingDoctorName: string | null;
  ward: string | null;
  recordedById: string;
  recordedByName: string | null;
  changeReason: string | null;
  createdAt: string;
};

/** A diagnosis offered for 入院時 / 退院時診断. */
export type AdmissionDiagnosisChoiceDto = { lineageId: string; name: string; isPrimary: boolean; active: boolean };

/** The chart's 入院 panel: the stays (current version each, newest first), the diagnoses to choose from, the doctors. */
export type AdmissionPanelDto = {
  /** the clinic has beds (Clinic.hasBeds): 入院登録 is offered */
  clinicHasBeds: boolean;
  admissions: AdmissionDto[];
  diagnoses: AdmissionDiagnosisChoiceDto[];
  doctors: { id: string; name: string }[];
  today: string;
};

const DAY_MS = 24 * 3600_000;

/** 入院日数: 入院日 and 退院日 both counted (a stay from the 1st to the 3rd is 3 days); up to `today` while in hospital. */
export function stayDays(admittedOn: string, dischargedOn: string | null, today: string): number {
  const end = dischargedOn ?? today;
  return Math.max(1, Math.round((Date.parse(end) - Date.parse(admittedOn)) / DAY_MS) + 1);
}

export function toAdmissionDto(row: Admission, ctx: { today: string; names: ReadonlyMap<string, string>; diagnoses: ReadonlyMap<string, string> }): AdmissionDto {
  const status = row.status as AdmissionStatus;
  const admittedOn = isoDate(row.admittedOn);
  const dischargedOn = row.dischargedOn ? isoDate(row.dischargedOn) : null;
  const dx = (ids: string[]) => ids.map((lineageId) => ({ lineageId, name: ctx.diagnoses.get(lineageId) ?? '（不明な傷病名）' }));
  const outcome = (row.outcome as DischargeOutcome | null) ?? null;
  return {
    id: row.id,
    lineageId: row.lineageId,
    version: row.version,
    isLatest: row.isLatest,
    patientId: row.patientId,
    status,
    statusLabel: ADMISSION_STATUS_LABELS[status] ?? row.status,
    admittedOn,
    dischargedOn,
    days: stayDays(admittedOn, dischargedOn, ctx.today),
    reason: row.reason,
    admissionDiagnoses: dx(row.admissionDiagnosisIds),
    dischargeDiagnoses: dx(row.dischargeDiagnosisIds),
    outcome,
    outcomeLabel: outcome ? DISCHARGE_OUTCOMES[outcome] : null,
    destination: row.destination,
    attendingDoctorId: row.attendingDoctorId,
    attendingDoctorName: ctx.names.get(row.attendingDoctorId) ?? null,
    ward: row.ward,
    recordedById: row.recordedById,
    recordedByName: ctx.names.get(row.recordedById) ?? null,
    changeReason: row.changeReason,
    createdAt: row.createdAt.toISOString(),
  };
}
