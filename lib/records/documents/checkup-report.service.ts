/**
 * 健康診断結果報告書 (特定健診, issue 11, docs/decisions/0066): the third kind of clinical document, on the same model,
 * write path, 確定 / 取消, print and sending as the others (document.service.ts). Only what differs lives here: the
 * starting values from the clinic's latest lab results (matched by JLAC10 analyte) and what a save stores.
 */
import { parseInput } from '@/lib/core/zod';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { listLatestLabs } from '@/lib/records/lab-results/lab-result.service';
import { CHECKUP_ITEMS, type CheckupItemKey } from './document.constants';
import { asCheckupReport, type CheckupReportDocumentDto } from './document.dto';
import { loadForSave, writeDocumentVersion } from './document.service';
import { checkupReportContentSchema, saveCheckupReportSchema, type SaveCheckupReportInput } from './checkup-report.schema';

export type CheckupReportPrefillDto = {
  /** the latest 確定 lab value of each lab item, as a number typed in the form */
  values: Partial<Record<CheckupItemKey, string>>;
  /** where each came from (item name and date), for the form to show */
  sources: Partial<Record<CheckupItemKey, string>>;
};

/** The form's starting values: the patient's latest 確定 lab results whose JLAC10 analyte is a 特定健診 lab item (an audited read). */
export async function prefillCheckupReport(patientId: string, actor: Principal): Promise<CheckupReportPrefillDto> {
  await requirePermission(actor, 'document.write');
  const labs = (await listLatestLabs(patientId, actor)).filter((l) => l.status === 'final' && l.jlac10);
  const values: CheckupReportPrefillDto['values'] = {};
  const sources: CheckupReportPrefillDto['sources'] = {};
  for (const item of CHECKUP_ITEMS) {
    if (!item.analyte) continue;
    const lab = labs.find((l) => l.jlac10!.startsWith(item.analyte) && /^\d+(\.\d+)?$/.test(l.valueDisplay));
    if (!lab) continue;
    values[item.key] = lab.valueDisplay;
    sources[item.key] = `${lab.itemName}（${lab.collectedDate.replaceAll('-', '/')}）`;
  }
  return { values, sources };
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
