/**
 * Clinical documents (issue 11, docs/decisions/0048): the 診療情報提供書 for now. A letter is a versioned record like a
 * note: a draft edited in place by its author, 確定 freezes it (who, when, SHA-256 of the content), a later change is a
 * new version with a reason, 取消 is an entered-in-error version. Every write goes through lib/records/write-path.ts.
 * The content is validated by the kind's schema on every write; the records it lists are copied in from the chart at
 * save (a snapshot), and 未告知 diagnoses are refused.
 */
import { randomUUID } from 'node:crypto';
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction } from '@/lib/core/db';
import { parseInput } from '@/lib/core/zod';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import type { ClinicalDocument } from '@/lib/generated/prisma/client';
import { oneOf } from '@/lib/core/text-enum';
import { RECORD_STATUSES } from '@/lib/records/record-version.constants';
import { documentContentHash } from './document-hash';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { appendRecordVersion, createRecord, finalizeRecord, updateDraftRecord } from '@/lib/records/write-path';
import { listDiagnosesForPatient } from '@/lib/records/diagnoses/diagnosis.service';
import { listAllergiesForPatient } from '@/lib/records/allergies/allergy.service';
import { listLatestLabs } from '@/lib/records/lab-results/lab-result.service';
import { getPrescriptionPanel } from '@/lib/records/prescriptions/prescription.service';
import { listNotesPage } from '@/lib/records/notes/note.service';
import type { DiagnosisDto } from '@/lib/records/diagnoses/diagnosis.dto';
import type { AllergyDto } from '@/lib/records/allergies/allergy.dto';
import type { LabResultDto } from '@/lib/records/lab-results/lab-result.dto';
import type { PrescriptionDto } from '@/lib/records/prescriptions/prescription.dto';
import { staffNames } from '@/lib/staff/staff-names';
import { ATTACHABLE_DOCUMENT_KINDS, COURSE_NOTES, DOCUMENT_KIND_LABELS, DOCUMENT_KINDS, DOCUMENT_STATUS_LABELS, type DocumentKind } from './document.constants';
import { documentRepository } from './document.repository';
import { queueDocumentResend, sendingStates } from './document-send.service';
import { referralInstitutionRepository } from './referral-institution.repository';
import { pickAttachedDocuments, pickAttachments } from './document-attachment.service';
import { asReferral, type DocumentContent, type DocumentDto, type DocumentPrintDto, type ReferralChoiceDto, type ReferralDocumentDto, type ReferralPrefillDto } from './document.dto';
import { dischargeSummaryCompleteSchema, dischargeSummaryContentSchema } from './discharge-summary.schema';
import { checkupReportCompleteSchema, checkupReportContentSchema } from './checkup-report.schema';
import { toPatientDto } from '@/lib/records/patients/patient.dto';
import { toWareki } from '@/lib/core/dates';
import {
  cancelDocumentSchema,
  documentIdSchema,
  referralCompleteSchema,
  referralContentSchema,
  saveReferralSchema,
  type CancelDocumentInput,
  type DocumentIdInput,
  type ReferralContent,
  type SaveReferralInput,
} from './referral.schema';

const RESOURCE = 'clinical_document';

/**
 * The content of a stored version, parsed with its kind's schema (a row that fails it was written around the app),
 * tagged with the kind so callers narrow on it.
 */
export function contentOf(row: Pick<ClinicalDocument, 'kind' | 'content'>): DocumentContent {
  const kind = oneOf(DOCUMENT_KINDS, row.kind);
  if (kind === 'discharge_summary') return { kind, content: dischargeSummaryContentSchema.parse(row.content) };
  if (kind === 'checkup_report') return { kind, content: checkupReportContentSchema.parse(row.content) };
  return { kind, content: referralContentSchema.parse(row.content) };
}

export { documentContentHash };

async function toDtos(clinicId: string, rows: ClinicalDocument[]): Promise<DocumentDto[]> {
  const [names, sending] = await Promise.all([
    staffNames(clinicId, rows.flatMap((r) => [r.authorId, r.confirmedById])),
    sendingStates(clinicId, [...new Set(rows.map((r) => r.lineageId))], new Set(rows.filter((r) => r.isLatest && r.status === 'entered_in_error').map((r) => r.lineageId))),
  ]);
  return rows.map((r) => {
    const status = oneOf(RECORD_STATUSES, r.status);
    return {
      id: r.id,
      lineageId: r.lineageId,
      version: r.version,
      isLatest: r.isLatest,
      patientId: r.patientId,
      ...contentOf(r),
      status,
      statusLabel: DOCUMENT_STATUS_LABELS[status],
      authorId: r.authorId,
      authorName: names.get(r.authorId) ?? null,
      confirmedByName: r.confirmedById ? (names.get(r.confirmedById) ?? null) : null,
      confirmedAt: r.confirmedAt?.toISOString() ?? null,
      contentHash: r.contentHash,
      hashVerified: r.contentHash ? r.contentHash === documentContentHash(r) : null,
      changeReason: r.changeReason,
      createdAt: r.createdAt.toISOString(),
      sending: r.isLatest ? (sending.get(r.lineageId) ?? null) : null,
    };
  });
}

async function loadPatient(clinicId: string, patientId: string) {
  const patient = await patientRepository.findById(db(), { clinicId, patientId });
  if (!patient) throw notFound();
  return patient;
}

async function loadLatest(clinicId: string, documentId: string): Promise<ClinicalDocument> {
  const row = await documentRepository.findById(db(), { clinicId, documentId });
  if (!row) throw notFound();
  if (!row.isLatest) throw new AppError('CONFLICT', 'この文書は他の端末で更新されています。画面を更新してください。');
  return row;
}

const diagnosisLabel = (d: DiagnosisDto) => d.displayName;
const listable = <T extends { status: string }>(rows: T[]) => rows.filter((r) => r.status === 'final');

/** A drug line as the letter's text and snapshot print it: 薬剤名 量 用法 日数. */
function drugLine(i: PrescriptionDto['items'][number]): string {
  const days = i.days ? ` ${i.days}日分` : i.times ? ` ${i.times}回分` : '';
  return `${i.drugName} ${i.dose}${i.doseUnit} ${i.usageText}${days}`.replace(/\s+/g, ' ').trim();
}

function medicationsText(current: PrescriptionDto[]): string {
  return current.flatMap((p) => p.items.map(drugLine)).join('\n');
}

/** A 処方 as a document stores it (the snapshot at save). */
export const prescriptionSnapshot = (p: PrescriptionDto) => ({ id: p.id, lineageId: p.lineageId, version: p.version, issuedDate: p.issuedDate, lines: p.items.map(drugLine) });

/** A 処方 offered to a document: the version, its drugs, and 処方日 / 院外・院内. */
export const prescriptionChoice = (p: { id: string; issuedDate: string; outOfHouse?: boolean; lines: string[] }, checked: boolean): ReferralChoiceDto => ({
  id: p.id,
  label: p.lines.join('、'),
  detail: `${p.issuedDate.replaceAll('-', '/')} 処方${p.outOfHouse === undefined ? '' : p.outOfHouse ? '（院外）' : '（院内）'}`,
  checked,
});

/** The editor's 処方 choices for an existing version: the chart's, plus those the version lists that the chart no longer offers. */
export function withListedPrescriptions(offered: ReferralChoiceDto[], listed: readonly { id: string; issuedDate: string; lines: string[] }[]): ReferralChoiceDto[] {
  return [...offered, ...listed.filter((p) => !offered.some((o) => o.id === p.id)).map((p) => ({ ...prescriptionChoice(p, true), detail: `${p.issuedDate.replaceAll('-', '/')} 処方（記載済み）` }))];
}

/**
 * The chosen 処方, in the order chosen: a 確定 one on the chart's panel (current or recent), or one the version being
 * edited already lists (an older prescription stays as it was listed); anything else is refused in Japanese.
 */
export async function pickPrescriptions(ids: string[], patientId: string, previous: { prescriptions?: ReturnType<typeof prescriptionSnapshot>[] } | null, actor: Principal, what: string) {
  if (!ids.length) return [];
  const panel = await getPrescriptionPanel(patientId, actor);
  const offered = [...panel.current, ...panel.history].filter((p) => p.status === 'final').map(prescriptionSnapshot);
  return pickChosen(ids, [...offered, ...(previous?.prescriptions ?? [])], (p) => p.id, what, 'prescriptionIds');
}

/**
 * The editor's starting point, from the chart: 傷病名 (主病名 first; 未告知 left out and counted), current prescriptions,
 * allergies, recent labs to pick from, and the 治療経過 drafted from the latest notes. Each read is audited by its slice.
 */
export async function prefillReferral(patientId: string, actor: Principal): Promise<ReferralPrefillDto> {
  await requirePermission(actor, 'document.write');
  const patient = await loadPatient(actor.clinicId, patientId);
  const [diagnoses, allergies, labs, prescriptions, notes, documents] = await Promise.all([
    listDiagnosesForPatient(patient.id, actor),
    listAllergiesForPatient(patient.id, actor),
    listLatestLabs(patient.id, actor),
    getPrescriptionPanel(patient.id, actor),
    listNotesPage(patient.id, actor, { limit: COURSE_NOTES }),
    documentRepository.listLatestForPatient(db(), { clinicId: actor.clinicId, patientId: patient.id }),
  ]);
  const shown = listable(diagnoses);
  const informed = shown.filter((d) => !d.uninformed).sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary) || Number(b.isActive) - Number(a.isActive));
  const finalNotes = notes.notes.filter((n) => n.status === 'final');
  const course = finalNotes
    .map((n) => {
      const text = [n.assessment, n.plan].filter((t) => t.trim()).join(' / ');
      return text ? `${n.encounterDate.replaceAll('-', '/')}  ${text}` : '';
    })
    .filter(Boolean)
    .reverse()
    .join('\n');
  const lastSubjective = finalNotes[0]?.subjective ?? '';
  return {
    sections: {
      chiefComplaint: lastSubjective.split('\n')[0] ?? '',
      presentIllness: '',
      pastHistory: shown.filter((d) => !d.uninformed && !d.isActive).map((d) => `${diagnosisLabel(d)}（${d.startDate.replaceAll('-', '/')}〜${d.endDate?.replaceAll('-', '/') ?? ''}）`).join('\n'),
      clinicalCourse: course,
      medications: medicationsText(prescriptions.current),
    },
    diagnoses: informed.map((d) => ({
      id: d.lineageId,
      label: diagnosisLabel(d),
      detail: [d.isPrimary ? '主病名' : null, d.isSuspected ? '疑い' : null, d.outcomeLabel, `${d.startDate.replaceAll('-', '/')}〜`].filter(Boolean).join(' '),
      checked: d.isActive,
    })),
    uninformedOmitted: shown.length - informed.length,
    allergies: listable(allergies).map((a) => ({ id: a.lineageId, label: a.substanceName, detail: [a.categoryLabel, a.reaction, a.severityLabel].filter(Boolean).join(' '), checked: a.clinicalStatus === 'active' })),
    labs: labs
      .filter((l) => l.status === 'final')
      .map((l) => ({ id: l.id, label: l.itemName, detail: `${l.valueDisplay}${l.unitDisplay ?? ''}${l.flag && l.flag !== 'N' ? ` ${l.flag}` : ''}（${l.collectedDate.replaceAll('-', '/')}）`, checked: false })),
    prescriptions: prescriptions.current.filter((p) => p.status === 'final').map((p) => prescriptionChoice({ ...prescriptionSnapshot(p), outOfHouse: p.outOfHouse }, true)),
    documents: attachableChoices(documents),
  };
}

/** The patient's 確定 退院時サマリー / 健康診断結果報告書 a letter may attach (its latest version each, unchecked). */
function attachableChoices(rows: ClinicalDocument[]): ReferralChoiceDto[] {
  return rows
    .filter((r) => r.status === 'final' && r.confirmedAt && (ATTACHABLE_DOCUMENT_KINDS as readonly string[]).includes(r.kind))
    .map((r) => ({ id: r.id, label: DOCUMENT_KIND_LABELS[oneOf(DOCUMENT_KINDS, r.kind)], detail: `${toWareki(r.confirmedAt!)} 確定（第${r.version}版）`, checked: false }));
}

/** The chosen records, in the order chosen; an id not among `rows` is refused in Japanese. */
export function pickChosen<T>(ids: string[], rows: T[], key: (r: T) => string, what: string, field: string): T[] {
  return ids.map((id) => {
    const row = rows.find((r) => key(r) === id);
    if (!row) throw new AppError('INVALID_INPUT', `選択された${what}が見つかりません。画面を更新してください。`, { [field]: `${what}を選択し直してください。` });
    return row;
  });
}

/** A 傷病名 / アレルギー as a document stores it (the snapshot at save). */
export const diagnosisSnapshot = (d: DiagnosisDto) => ({ lineageId: d.lineageId, name: d.displayName, primary: d.isPrimary, suspected: d.isSuspected, startDate: d.startDate, outcome: d.outcomeLabel });
export const allergySnapshot = (a: AllergyDto) => ({ lineageId: a.lineageId, category: a.categoryLabel, name: a.substanceName, reaction: a.reaction, severity: a.severityLabel });
export { listable };

/** The stored content of a save: the typed sections, the directory's details, and a snapshot of each chosen record. */
async function buildContent(input: ReturnType<typeof saveReferralSchema.parse>, actor: Principal, current: ClinicalDocument | null): Promise<ReferralContent> {
  let destination: ReferralContent['destination'] = { institutionId: null, code: null, name: input.destination.name, address: null, phone: null, department: input.destination.department, doctor: input.destination.doctor };
  if (input.destination.institutionId) {
    const inst = await referralInstitutionRepository.findById(db(), actor.clinicId, input.destination.institutionId);
    if (!inst) throw new AppError('INVALID_INPUT', '紹介先医療機関が見つかりません。選択し直してください。', { 'destination.institutionId': '紹介先を選択し直してください。' });
    destination = { ...destination, institutionId: inst.id, code: inst.code, name: input.destination.name || inst.name, address: inst.address, phone: inst.phone };
  }
  const need = input.diagnosisIds.length || input.allergyIds.length || input.labResultIds.length;
  const [diagnoses, allergies, labs]: [DiagnosisDto[], AllergyDto[], LabResultDto[]] = need
    ? await Promise.all([
        input.diagnosisIds.length ? listDiagnosesForPatient(input.patientId, actor) : [],
        input.allergyIds.length ? listAllergiesForPatient(input.patientId, actor) : [],
        input.labResultIds.length ? listLatestLabs(input.patientId, actor) : [],
      ])
    : [[], [], []];
  const chosenDiagnoses = pickChosen(input.diagnosisIds, listable(diagnoses), (d) => d.lineageId, '傷病名', 'diagnosisIds');
  if (chosenDiagnoses.some((d) => d.uninformed)) {
    throw new AppError('INVALID_INPUT', '未告知の傷病名は診療情報提供書に記載できません。', { diagnosisIds: '未告知の傷病名を外してください。' });
  }
  const chosenAllergies = pickChosen(input.allergyIds, listable(allergies), (a) => a.lineageId, 'アレルギー', 'allergyIds');
  const chosenLabs = pickChosen(input.labResultIds, labs.filter((l) => l.status === 'final'), (l) => l.id, '検査結果', 'labResultIds');
  const previous = current ? contentOf(current) : null;
  const chosenPrescriptions = await pickPrescriptions(input.prescriptionIds, input.patientId, previous?.kind === 'referral' ? previous.content : null, actor, '処方');
  const [attachments, attachedDocuments] = await Promise.all([
    pickAttachments(actor.clinicId, input.patientId, input.attachmentIds),
    pickAttachedDocuments(actor.clinicId, input.patientId, input.attachedDocumentIds),
  ]);
  const { patientId: _p, documentId: _d, destination: _dest, diagnosisIds: _di, allergyIds: _a, labResultIds: _l, prescriptionIds: _rx, changeReason: _c, attachmentIds: _f, attachedDocumentIds: _ad, ...sections } = input;
  return referralContentSchema.parse({
    destination,
    ...sections,
    diagnoses: chosenDiagnoses.sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary)).map(diagnosisSnapshot),
    allergies: chosenAllergies.map(allergySnapshot),
    labs: chosenLabs.map((l) => ({ id: l.id, name: l.itemName, value: l.valueDisplay, unit: l.unitDisplay, date: l.collectedDate, abnormal: l.flag && l.flag !== 'N' ? l.flag : null })),
    prescriptions: chosenPrescriptions,
    attachments,
    attachedDocuments,
  });
}

/**
 * Saves the letter: a new one is draft version 1; the author's draft is edited in place; a 確定 letter gets a new draft
 * version, which needs a reason. A 取消 letter cannot be edited.
 */
export async function saveReferral(raw: SaveReferralInput, actor: Principal): Promise<ReferralDocumentDto> {
  await requirePermission(actor, 'document.write');
  const input = parseInput(saveReferralSchema, raw);
  const { patient, current } = await loadForSave(actor, { patientId: input.patientId, documentId: input.documentId, changeReason: input.changeReason, kind: 'referral' });
  const content = await buildContent(input, actor, current);
  const institutionId = content.destination.institutionId;
  const saved = await writeDocumentVersion(actor, {
    kind: 'referral',
    patientId: patient.id,
    current,
    content,
    institutionId,
    changeReason: input.changeReason,
    facts: {
      kind: 'referral',
      institutionId,
      diagnoses: content.diagnoses.length,
      allergies: content.allergies.length,
      labs: content.labs.length,
      prescriptions: content.prescriptions.length,
      attachments: content.attachments.map((a) => a.sha256),
      attachedDocuments: content.attachedDocuments.map((d) => d.id),
    },
    touchInstitution: true,
  });
  return asReferral(saved);
}

/** The checks every save of a document makes: the patient exists, and the latest version may be edited by this actor. */
export async function loadForSave(actor: Principal, input: { patientId: string; documentId?: string; changeReason?: string; kind: DocumentKind }) {
  const patient = await loadPatient(actor.clinicId, input.patientId);
  const current = input.documentId ? await loadLatest(actor.clinicId, input.documentId) : null;
  if (current && (current.patientId !== patient.id || current.kind !== input.kind)) throw notFound();
  if (current?.status === 'entered_in_error') throw new AppError('PRECONDITION_FAILED', '取り消された文書は編集できません。新しく作成してください。');
  if (current?.status === 'draft' && current.authorId !== actor.userId) throw new AppError('FORBIDDEN', '他の医師の下書きは編集できません。');
  if (current?.status === 'final' && !input.changeReason) {
    throw new AppError('INVALID_INPUT', '確定済みの文書を修正するには修正理由を入力してください。', { changeReason: '修正理由を入力してください。' });
  }
  return { patient, current };
}

/**
 * Writes a save of any kind through the write path: a new document is draft version 1; the author's draft is edited
 * in place; a 確定 document gets a new draft version with the reason.
 */
export async function writeDocumentVersion(
  actor: Principal,
  w: { kind: DocumentKind; patientId: string; current: ClinicalDocument | null; content: object; institutionId: string | null; changeReason?: string; facts: Record<string, unknown>; touchInstitution?: boolean },
): Promise<DocumentDto> {
  const { current, content, institutionId, facts } = w;
  const row = await runInTransaction(async (tx) => {
    if (w.touchInstitution && institutionId) await referralInstitutionRepository.touch(tx, actor.clinicId, institutionId, new Date());
    if (!current) {
      return createRecord(tx, actor, 'document', { lineageId: randomUUID(), version: 1, patientId: w.patientId, kind: w.kind, status: 'draft', institutionId, content, authorId: actor.userId, entererId: actor.userId }, facts);
    }
    if (current.status === 'draft') {
      await updateDraftRecord(tx, actor, { kind: 'document', current, data: { content, institutionId } }, facts);
      return (await documentRepository.findById(tx, { clinicId: actor.clinicId, documentId: current.id }))!;
    }
    return appendRecordVersion(
      tx,
      actor,
      'document',
      'version',
      current,
      {
        lineageId: current.lineageId,
        version: current.version + 1,
        patientId: current.patientId,
        visitId: current.visitId,
        kind: current.kind,
        status: 'draft',
        institutionId,
        content,
        authorId: actor.userId,
        entererId: actor.userId,
        changeReason: w.changeReason ?? null,
        supersedesId: current.id,
      },
      { ...facts, fromStatus: current.status },
    );
  });
  return (await toDtos(actor.clinicId, [row]))[0]!;
}

/** 確定 of the author's draft: final, who and when (server time) and the content hash; needs 紹介先 and 紹介目的. */
export async function confirmDocument(raw: DocumentIdInput, actor: Principal): Promise<DocumentDto> {
  await requirePermission(actor, 'document.confirm');
  const input = parseInput(documentIdSchema, raw);
  const current = await loadLatest(actor.clinicId, input.documentId);
  if (current.status !== 'draft') throw new AppError('PRECONDITION_FAILED', 'この文書はすでに確定または取消されています。');
  if (current.authorId !== actor.userId) throw new AppError('FORBIDDEN', '他の医師の下書きは確定できません。');
  const doc = contentOf(current);
  if (doc.kind === 'discharge_summary') parseInput(dischargeSummaryCompleteSchema, doc.content);
  else if (doc.kind === 'checkup_report') parseInput(checkupReportCompleteSchema, doc.content);
  else parseInput(referralCompleteSchema, doc.content);
  const row = await runInTransaction(async (tx) => {
    await finalizeRecord(tx, actor, 'confirm', {
      kind: 'document',
      current,
      from: 'draft',
      data: { confirmedById: actor.userId, confirmedAt: new Date(), contentHash: documentContentHash(current) },
    }, { kind: current.kind });
    // a sent letter's new version replaces it at the service (差替)
    await queueDocumentResend(tx, current, new Date());
    return (await documentRepository.findById(tx, { clinicId: actor.clinicId, documentId: current.id }))!;
  });
  return (await toDtos(actor.clinicId, [row]))[0]!;
}

/** 取消: a new version marked entered-in-error, with the reason (the content stays readable in the history). */
export async function cancelDocument(raw: CancelDocumentInput, actor: Principal): Promise<DocumentDto> {
  await requirePermission(actor, 'document.confirm');
  const input = parseInput(cancelDocumentSchema, raw);
  const current = await loadLatest(actor.clinicId, input.documentId);
  if (current.status === 'entered_in_error') throw new AppError('PRECONDITION_FAILED', 'この文書はすでに取り消されています。');
  if (current.status === 'draft' && current.authorId !== actor.userId) throw new AppError('FORBIDDEN', '他の医師の下書きは取り消せません。');
  const row = await runInTransaction(async (tx) => {
    const cancelled = await appendRecordVersion(
      tx,
      actor,
      'document',
      'cancel',
      current,
      {
        lineageId: current.lineageId,
        version: current.version + 1,
        patientId: current.patientId,
        visitId: current.visitId,
        kind: current.kind,
        status: 'entered_in_error',
        institutionId: current.institutionId,
        content: current.content as object,
        authorId: current.authorId,
        entererId: actor.userId,
        changeReason: input.reason,
        supersedesId: current.id,
      },
      { kind: current.kind, fromStatus: current.status },
    );
    // a sent letter is deleted at the service (the delete command)
    await queueDocumentResend(tx, current, new Date());
    return cancelled;
  });
  return (await toDtos(actor.clinicId, [row]))[0]!;
}

/** One document (the latest version of its lineage) with its earlier versions; an audited read. */
export async function getDocument(input: { patientId: string; lineageId: string }, actor: Principal): Promise<{ latest: DocumentDto; versions: DocumentDto[] }> {
  await requirePermission(actor, 'chart.read');
  const patient = await loadPatient(actor.clinicId, input.patientId);
  const rows = await documentRepository.listLineage(db(), { clinicId: actor.clinicId, patientId: patient.id, lineageId: input.lineageId });
  if (!rows.length) throw notFound();
  const versions = await toDtos(actor.clinicId, rows);
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, resourceId: rows[0]!.id, patientId: patient.id, detail: { lineageId: input.lineageId, versions: rows.length }, ctx: actor.ctx });
  return { latest: versions[0]!, versions };
}

/** The patient's documents (latest version each), newest first; an audited read. */
export async function listDocumentsForPatient(patientId: string, actor: Principal): Promise<DocumentDto[]> {
  await requirePermission(actor, 'chart.read');
  const patient = await loadPatient(actor.clinicId, patientId);
  const rows = await documentRepository.listLatestForPatient(db(), { clinicId: actor.clinicId, patientId: patient.id });
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, patientId: patient.id, detail: { view: 'list', count: rows.length }, ctx: actor.ctx });
  return toDtos(actor.clinicId, rows);
}

/**
 * The printed letter: only the latest version, only 確定 (a draft or a 取消 letter never prints). Audited as `print`
 * (a refusal too). The clinic is the 紹介元; the signing doctor is who 確定d it.
 */
export async function getDocumentForPrint(input: { patientId: string; lineageId: string }, actor: Principal): Promise<DocumentPrintDto> {
  await requirePermission(actor, 'chart.read');
  const scope = { clinicId: actor.clinicId, patientId: input.patientId };
  const patient = await patientRepository.findById(db(), scope);
  const row = patient ? await documentRepository.findLatestOfLineage(db(), { ...scope, lineageId: input.lineageId }) : null;
  if (!patient || !row) throw notFound();
  const audit = (outcome: 'success' | 'failure') =>
    recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'print', resourceType: RESOURCE, resourceId: row.id, patientId: row.patientId, outcome, detail: { lineageId: row.lineageId, version: row.version, status: row.status, contentHash: row.contentHash }, ctx: actor.ctx });
  if (row.status !== 'final') {
    await audit('failure');
    throw new AppError('PRECONDITION_FAILED', row.status === 'entered_in_error' ? 'この文書は取り消されています。' : '確定していない文書は印刷できません。確定してから印刷してください。');
  }
  const [clinic, author, [document]] = await Promise.all([
    documentRepository.findClinic(db(), { clinicId: actor.clinicId }),
    documentRepository.findAuthor(db(), { clinicId: actor.clinicId, userId: row.confirmedById ?? row.authorId }),
    toDtos(actor.clinicId, [row]),
  ]);
  if (!clinic) throw notFound();
  const p = toPatientDto(patient);
  await audit('success');
  return {
    document: document!,
    patient: { fullName: p.fullName, fullNameKana: p.fullNameKana, birthDateWareki: p.birthDateWareki, age: p.age, sexLabel: p.sexLabel, address: p.address, phone: p.phone ?? null, patientNumber: p.patientNumber },
    clinic,
    doctor: { name: author?.displayName ?? '', licenseNumber: author?.licenseNumber ?? null, department: author?.department?.name ?? null },
    dateWareki: toWareki(row.confirmedAt ?? row.createdAt),
  };
}
