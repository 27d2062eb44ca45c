/**
 * 退院時サマリー (issue 11, docs/decisions/0065): the second kind of clinical document, on the same model, write path,
 * 確定 / 取消, print and sending as the 診療情報提供書 (document.service.ts). Only what differs lives here: the
 * editor's starting point from the chart and what a save stores (the sections, the stay, and a snapshot of the chosen
 * 入院時診断 / 退院時診断 / アレルギー; 未告知 diagnoses are refused).
 */
import { AppError } from '@/lib/core/app-error';
import { parseInput } from '@/lib/core/zod';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { listDiagnosesForPatient } from '@/lib/records/diagnoses/diagnosis.service';
import { listAllergiesForPatient } from '@/lib/records/allergies/allergy.service';
import { staffNames } from '@/lib/staff/staff-names';
import { admissionForSummary } from '@/lib/records/admissions/admission.service';
import type { AdmissionDto } from '@/lib/records/admissions/admission.dto';
import { asDischargeSummary, type DischargeSummaryDocumentDto, type ReferralChoiceDto } from './document.dto';
import { allergySnapshot, contentOf, diagnosisSnapshot, listable, loadForSave, pickChosen, pickPrescriptions, prefillReferral, writeDocumentVersion } from './document.service';
import { dischargeSummaryContentSchema, saveDischargeSummarySchema, type DischargeSummaryContent, type SaveDischargeSummaryInput } from './discharge-summary.schema';

export type DischargeSummaryPrefillDto = {
  sections: Pick<DischargeSummaryContent, 'chiefComplaint' | 'pastHistory' | 'hospitalCourse' | 'medications' | 'attendingDoctor'>;
  /** the patient's 傷病名 (未告知 left out): offered for both 入院時診断 and 退院時診断 */
  diagnoses: ReferralChoiceDto[];
  uninformedOmitted: number;
  allergies: ReferralChoiceDto[];
  /** the 確定 current prescriptions (checked): the 退院時処方 entries */
  prescriptions: ReferralChoiceDto[];
  /**
   * the 入院 record the summary starts from (docs/decisions/0087): the one asked for, else the current 入院中 one, else
   * the latest 退院済 one; null when the patient has none (the stay is then typed)
   */
  admission: AdmissionDto | null;
};

/**
 * The editor's starting point, from the chart (the reads the 診療情報提供書 prefill makes, each audited by its slice):
 * 傷病名 (active ones checked), allergies, 退院時処方 from the current prescriptions, 入院中の経過 drafted from the
 * latest notes, 主訴 from the last note, and the writing doctor as 担当医; and the 入院 record (0087), whose stay,
 * diagnoses, 転帰, 退院先, 担当医 and 入院理由 the editor's seed takes over (`dischargeSeedFromPrefill`).
 */
export async function prefillDischargeSummary(patientId: string, actor: Principal, options: { admissionId?: string } = {}): Promise<DischargeSummaryPrefillDto> {
  const r = await prefillReferral(patientId, actor);
  const names = await staffNames(actor.clinicId, [actor.userId]);
  const admission = await admissionForSummary(patientId, actor, options.admissionId);
  return {
    sections: {
      chiefComplaint: r.sections.chiefComplaint,
      pastHistory: r.sections.pastHistory,
      hospitalCourse: r.sections.clinicalCourse,
      medications: r.sections.medications,
      attendingDoctor: names.get(actor.userId) ?? '',
    },
    diagnoses: r.diagnoses,
    uninformedOmitted: r.uninformedOmitted,
    allergies: r.allergies,
    prescriptions: r.prescriptions,
    admission,
  };
}

/** Saves a 退院時サマリー: draft version 1, the author's draft in place, or a new version of a 確定 one (with a reason). */
export async function saveDischargeSummary(raw: SaveDischargeSummaryInput, actor: Principal): Promise<DischargeSummaryDocumentDto> {
  await requirePermission(actor, 'document.write');
  const input = parseInput(saveDischargeSummarySchema, raw);
  const { patient, current } = await loadForSave(actor, { patientId: input.patientId, documentId: input.documentId, changeReason: input.changeReason, kind: 'discharge_summary' });
  const wantDiagnoses = input.admissionDiagnosisIds.length || input.dischargeDiagnosisIds.length;
  const [diagnoses, allergies] = await Promise.all([
    wantDiagnoses ? listDiagnosesForPatient(patient.id, actor) : [],
    input.allergyIds.length ? listAllergiesForPatient(patient.id, actor) : [],
  ]);
  const pickDiagnoses = (ids: string[], what: string, field: string) => {
    const chosen = pickChosen(ids, listable(diagnoses), (d) => d.lineageId, what, field);
    if (chosen.some((d) => d.uninformed)) throw new AppError('INVALID_INPUT', '未告知の傷病名は退院時サマリーに記載できません。', { [field]: '未告知の傷病名を外してください。' });
    return chosen.sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary)).map(diagnosisSnapshot);
  };
  const previous = current ? contentOf(current) : null;
  const prescriptions = await pickPrescriptions(input.prescriptionIds, patient.id, previous?.kind === 'discharge_summary' ? previous.content : null, actor, '退院時処方');
  // the 入院 version it is written from (0087): one of the patient's admissions, not 取消
  const admission = input.admissionId ? await admissionForSummary(patient.id, actor, input.admissionId) : null;
  const { patientId: _p, documentId: _d, admissionDiagnosisIds, dischargeDiagnosisIds, allergyIds, prescriptionIds: _rx, changeReason, admissionId: _a, ...rest } = input;
  const content = dischargeSummaryContentSchema.parse({
    ...rest,
    ...(admission ? { admission: { id: admission.id, lineageId: admission.lineageId, version: admission.version } } : {}),
    admissionDiagnoses: pickDiagnoses(admissionDiagnosisIds, '入院時診断', 'admissionDiagnosisIds'),
    dischargeDiagnoses: pickDiagnoses(dischargeDiagnosisIds, '退院時診断', 'dischargeDiagnosisIds'),
    allergies: pickChosen(allergyIds, listable(allergies), (a) => a.lineageId, 'アレルギー', 'allergyIds').map(allergySnapshot),
    prescriptions,
  });
  const saved = await writeDocumentVersion(actor, {
    kind: 'discharge_summary',
    patientId: patient.id,
    current,
    content,
    institutionId: null,
    changeReason,
    facts: { kind: 'discharge_summary', admission: admission?.lineageId ?? null, admissionDiagnoses: content.admissionDiagnoses.length, dischargeDiagnoses: content.dischargeDiagnoses.length, allergies: content.allergies.length, prescriptions: content.prescriptions.length },
  });
  return asDischargeSummary(saved);
}
