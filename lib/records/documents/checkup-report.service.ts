/**
 * 健康診断結果報告書 (特定健診, issue 11, docs/decisions/0066): the third kind of clinical document, on the same model,
 * write path, 確定 / 取消, print and sending as the others (document.service.ts). Only what differs lives here: the
 * starting values — the patient's latest 健診入力 (a 健診 visit's items and 問診, 0086), then the clinic's latest lab
 * results (matched by JLAC10 analyte) for the items it lacks — and what a save stores.
 */
import { parseInput } from '@/lib/core/zod';
import { db } from '@/lib/core/db';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { noteRepository } from '@/lib/records/notes/note.repository';
import { reportValuesFromEntry } from '@/lib/records/notes/checkup-entry';
import { visitRepository } from '@/lib/reception/visit.repository';
import { isoDate } from '@/lib/core/dates';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { listLatestLabs } from '@/lib/records/lab-results/lab-result.service';
import { CHECKUP_ITEMS, type CheckupItemKey, type QuestionnaireAnswers } from './document.constants';
import { asCheckupReport, type CheckupReportDocumentDto } from './document.dto';
import { loadForSave, writeDocumentVersion } from './document.service';
import { checkupReportContentSchema, saveCheckupReportSchema, type SaveCheckupReportInput } from './checkup-report.schema';

export type CheckupReportPrefillDto = {
  /** the latest 確定 lab value of each lab item, as a number typed in the form */
  values: Partial<Record<CheckupItemKey, string>>;
  /** where each came from (item name and date), for the form to show */
  sources: Partial<Record<CheckupItemKey, string>>;
  /** from the 健診入力: its visit's date, 尿糖・尿蛋白 and the 問診 answers ('' / {} without one) */
  examDate: string;
  urineGlucose: string;
  urineProtein: string;
  questionnaire: QuestionnaireAnswers;
  /** the 健診入力 the values come from (its lineage), if any */
  entryLineageId: string | null;
};

/**
 * The form's starting values: the patient's latest 健診入力 (items, BMI, urine, 問診 and its visit's date), then, for the
 * lab items it lacks, the latest 確定 lab results whose JLAC10 analyte is a 特定健診 lab item (audited reads).
 */
export async function prefillCheckupReport(patientId: string, actor: Principal): Promise<CheckupReportPrefillDto> {
  await requirePermission(actor, 'document.write');
  const labs = (await listLatestLabs(patientId, actor)).filter((l) => l.status === 'final' && l.jlac10);
  const entry = await noteRepository.findLatestCheckup(db(), { clinicId: actor.clinicId, patientId });
  const values: CheckupReportPrefillDto['values'] = {};
  const sources: CheckupReportPrefillDto['sources'] = {};
  const prefill = { examDate: '', urineGlucose: '', urineProtein: '', questionnaire: {} as QuestionnaireAnswers, entryLineageId: null as string | null };
  if (entry) {
    await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'clinical_note', resourceId: entry.lineageId, patientId, detail: { checkup: true, prefill: 'checkup_report' }, ctx: actor.ctx });
    const visit = entry.visitId ? await visitRepository.find(db(), actor.clinicId, entry.visitId) : null;
    const fromEntry = reportValuesFromEntry(entry);
    Object.assign(prefill, { examDate: visit ? isoDate(visit.visitDate) : '', urineGlucose: fromEntry.urineGlucose, urineProtein: fromEntry.urineProtein, questionnaire: fromEntry.questionnaire, entryLineageId: entry.lineageId });
    for (const [key, v] of Object.entries(fromEntry.values) as [CheckupItemKey, string][]) {
      values[key] = v;
      sources[key] = `健診入力（${prefill.examDate.replaceAll('-', '/') || '日付不明'}）`;
    }
  }
  for (const item of CHECKUP_ITEMS) {
    if (!item.analyte || values[item.key]) continue;
    const lab = labs.find((l) => l.jlac10!.startsWith(item.analyte) && /^\d+(\.\d+)?$/.test(l.valueDisplay));
    if (!lab) continue;
    values[item.key] = lab.valueDisplay;
    sources[item.key] = `${lab.itemName}（${lab.collectedDate.replaceAll('-', '/')}）`;
  }
  return { values, sources, ...prefill };
}

/** Saves a 健康診断結果報告書: draft version 1, the author's draft in place, or a new version of a 確定 one (with a reason). */
export async function saveCheckupReport(raw: SaveCheckupReportInput, actor: Principal): Promise<CheckupReportDocumentDto> {
  await requirePermission(actor, 'document.write');
  const input = parseInput(saveCheckupReportSchema, raw);
  const { patient, current } = await loadForSave(actor, { patientId: input.patientId, documentId: input.documentId, changeReason: input.changeReason, kind: 'checkup_report' });
  const { patientId: _p, documentId: _d, changeReason, ...rest } = input;
  const content = checkupReportContentSchema.parse(rest);
  const saved = await writeDocumentVersion(actor, {
    kind: 'checkup_report',
    patientId: patient.id,
    current,
    content,
    institutionId: null,
    changeReason,
    facts: { kind: 'checkup_report', items: Object.values(content.values).filter(Boolean).length },
  });
  return asCheckupReport(saved);
}
