/**
 * The FHIR document of a 確定 clinical document — 診療情報提供書 (JP_Bundle_eReferral, docs/decisions/0049) or
 * 退院時サマリー (JP_Bundle_eDischargeSummary, 0065): built from the stored version (its sections) and the records it
 * lists as they stood at 確定 (処方 by version), through lib/fhir's 6情報 and MedicationRequest mappings, and validated by the kind's validator. What staff see
 * before sending is exactly what the sharing delivery sends (documentToSend).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError, notFound } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { loadClinicInput, loadMedicationInputs, loadPatientInput, loadReferralRecordInputs } from '@/lib/fhir/source.repository';
import { buildReferralBundle } from '@/lib/fhir/referral';
import { memberIdentifier } from '@/lib/fhir/patient';
import { findDocumentUnit } from '@/lib/sharing/sharing-unit.repository';
import { validateReferralWithAttachments } from '@/lib/fhir/referral-attachments-validate';
import { documentAttachmentRepository } from './document-attachment.repository';
import type { FhirIssue } from '@/lib/fhir/issues';
import { documentRepository } from './document.repository';
import { referralContentSchema, type ReferralContent } from './referral.schema';
import { createHash } from 'node:crypto';
import { dischargeSummaryContentSchema } from './discharge-summary.schema';
import { CHECKUP_ITEMS, DISCHARGE_OUTCOMES, METABOLIC_JUDGMENTS, URINE_ITEMS, URINE_RESULTS } from './document.constants';
import { checkupReportContentSchema, type CheckupReportContent } from './checkup-report.schema';
import { CHECKUP_SYSTEMS, DOCTOR_JUDGMENT_CODE, buildCheckupReportBundle, type CheckupItemInput } from '@/lib/fhir/checkup-report';
import { validateCheckupReportBundle } from '@/lib/fhir/checkup-report-validate';
import { questionnaireItemsOf } from '@/lib/records/notes/checkup-entry';
import { buildDischargeSummaryBundle } from '@/lib/fhir/discharge-summary';
import { validateDischargeSummaryBundle } from '@/lib/fhir/discharge-summary-validate';
import type { Bundle } from '@medplum/fhirtypes';
import type { UnitBundle } from '@/lib/fhir/bundle';
import { warmUpThisCopyInServer } from '@/lib/fhir/warm-up';

const RESOURCE = 'clinical_document';

// in the web server, this copy of the builders and validators warms itself up at load (ADR 0094)
warmUpThisCopyInServer();

/** A built document bundle of any kind. */
export type BuiltDocument = { bundle: Bundle; identifier: string; contentHash: string; units: UnitBundle[] };

export type DocumentFhirDto = { identifier: string; version: number; issues: FhirIssue[]; sendable: boolean; json: string };

type DocumentRow = NonNullable<Awaited<ReturnType<typeof documentRepository.findById>>>;
type Built = { built: BuiltDocument; issues: FhirIssue[]; member: string | null };

/** The bundle of one 確定 version of any kind and its validation. */
function buildDocumentOfRow(clinicId: string, row: DocumentRow & { confirmedAt: Date }, bundleIdentifier?: string | null): Promise<Built | null> {
  if (row.kind === 'discharge_summary') return buildDischargeOfRow(clinicId, row, bundleIdentifier);
  if (row.kind === 'checkup_report') return buildCheckupOfRow(clinicId, row, bundleIdentifier);
  return buildReferralOfRow(clinicId, row, bundleIdentifier);
}

/** The report's items as the builder takes them: measured values, urine results, メタボ判定, then 医師の診断（判定）. */
export function checkupItemsOf(c: CheckupReportContent): CheckupItemInput[] {
  const items: CheckupItemInput[] = [];
  for (const i of CHECKUP_ITEMS) {
    const v = c.values[i.key];
    if (v) items.push({ kind: 'quantity', code: i.code, display: i.display, value: Number(v), unit: i.unit, ucum: i.ucum, category: i.category });
  }
  for (const u of URINE_ITEMS) {
    const v = c[u.key];
    if (v) items.push({ kind: 'coded', code: u.code, display: u.display, system: CHECKUP_SYSTEMS.urine, valueCode: v, valueDisplay: URINE_RESULTS[v], category: 'laboratory', specimen: '尿' });
  }
  if (c.metabolic) items.push({ kind: 'coded', code: '9N501000000000011', display: 'メタボリックシンドローム判定', system: CHECKUP_SYSTEMS.metabolic, valueCode: c.metabolic, valueDisplay: METABOLIC_JUDGMENTS[c.metabolic], category: 'survey' });
  const judgment = [c.overallJudgment ? `総合判定: ${c.overallJudgment}` : '', c.doctorComment].filter(Boolean).join('\n');
  if (judgment) items.push({ kind: 'text', code: DOCTOR_JUDGMENT_CODE, display: '医師の診断（判定）', value: judgment, category: 'exam' });
  return items;
}

/** The JP_Bundle_eCheckupGeneral of one 確定 version (no chart records: the values are the report's own). */
async function buildCheckupOfRow(clinicId: string, row: DocumentRow & { confirmedAt: Date }, bundleIdentifier?: string | null): Promise<Built | null> {
  const content = checkupReportContentSchema.parse(row.content);
  const [clinicInput, clinic, patient, author] = await Promise.all([
    loadClinicInput(db(), clinicId),
    documentRepository.findClinic(db(), { clinicId }),
    loadPatientInput(db(), clinicId, row.patientId),
    documentRepository.findAuthor(db(), { clinicId, userId: row.confirmedById ?? row.authorId }),
  ]);
  if (!clinicInput || !clinic || !patient || !author) return null;
  const built = buildCheckupReportBundle(
    {
      lineageId: row.lineageId,
      version: row.version,
      confirmedAt: row.confirmedAt,
      examDate: content.examDate,
      clinic: { ...clinicInput, address: clinic.address },
      author: { id: author.id, name: author.displayName, licenseNumber: author.licenseNumber },
      patient,
      items: checkupItemsOf(content),
      questionnaire: questionnaireItemsOf(content.questionnaire),
    },
    { bundleIdentifier },
  );
  return { built, issues: validateCheckupReportBundle(built), member: memberIdentifier(patient)?.value ?? null };
}

/** The JP_Bundle_eDischargeSummary of one 確定 version: the stay, the sections and the records as they stood at 確定. */
async function buildDischargeOfRow(clinicId: string, row: DocumentRow & { confirmedAt: Date }, bundleIdentifier?: string | null): Promise<Built | null> {
  const content = dischargeSummaryContentSchema.parse(row.content);
  const admissionDiagnosisIds = content.admissionDiagnoses.map((d) => d.lineageId);
  const dischargeDiagnosisIds = content.dischargeDiagnoses.map((d) => d.lineageId);
  const [clinicInput, clinic, patient, author, prescriptions, records] = await Promise.all([
    loadClinicInput(db(), clinicId),
    documentRepository.findClinic(db(), { clinicId }),
    loadPatientInput(db(), clinicId, row.patientId),
    documentRepository.findAuthor(db(), { clinicId, userId: row.confirmedById ?? row.authorId }),
    loadMedicationInputs(db(), clinicId, row.patientId, content.prescriptions.map((p) => p.id)),
    loadReferralRecordInputs(db(), clinicId, row.patientId, {
      diagnosisLineageIds: [...new Set([...admissionDiagnosisIds, ...dischargeDiagnosisIds])],
      allergyLineageIds: content.allergies.map((a) => a.lineageId),
      labResultIds: [],
      asOf: row.confirmedAt,
    }),
  ]);
  if (!clinicInput || !clinic || !patient || !author) return null;
  const outcome = content.outcome ? { code: content.outcome, display: DISCHARGE_OUTCOMES[content.outcome] } : { code: '', display: '' };
  const built = buildDischargeSummaryBundle(
    {
      lineageId: row.lineageId,
      version: row.version,
      confirmedAt: row.confirmedAt,
      clinic: { ...clinicInput, address: clinic.address },
      author: { id: author.id, name: author.displayName, licenseNumber: author.licenseNumber },
      patient,
      stay: { admissionDate: content.admissionDate, dischargeDate: content.dischargeDate, outcome, destination: content.destination },
      sections: {
        reasonForAdmission: content.reasonForAdmission,
        chiefComplaint: content.chiefComplaint,
        presentIllness: content.presentIllness,
        pastHistory: content.pastHistory,
        hospitalCourse: content.hospitalCourse,
        medications: content.medications,
        dischargeCondition: content.dischargeCondition,
        instructions: content.instructions,
        diagnosesNote: content.diagnosesNote,
        allergiesNote: content.allergiesNote,
      },
      diagnoses: records.diagnoses,
      admissionDiagnosisIds,
      dischargeDiagnosisIds,
      allergies: records.allergies,
      prescriptions,
    },
    { bundleIdentifier },
  );
  return { built, issues: validateDischargeSummaryBundle(built), member: memberIdentifier(patient)?.value ?? null };
}

/** The JP_Bundle_eReferral of one 確定 version and its validation: the one builder of the preview and of sending. */
async function buildReferralOfRow(clinicId: string, row: DocumentRow & { confirmedAt: Date }, bundleIdentifier?: string | null): Promise<Built | null> {
  const content = referralContentSchema.parse(row.content);
  const [clinicInput, clinic, patient, author, prescriptions, records, files, attachedDocuments] = await Promise.all([
    loadClinicInput(db(), clinicId),
    documentRepository.findClinic(db(), { clinicId }),
    loadPatientInput(db(), clinicId, row.patientId),
    documentRepository.findAuthor(db(), { clinicId, userId: row.confirmedById ?? row.authorId }),
    loadMedicationInputs(db(), clinicId, row.patientId, content.prescriptions.map((p) => p.id)),
    loadReferralRecordInputs(db(), clinicId, row.patientId, {
      diagnosisLineageIds: content.diagnoses.map((d) => d.lineageId),
      allergyLineageIds: content.allergies.map((a) => a.lineageId),
      labResultIds: content.labs.map((l) => l.id),
      asOf: row.confirmedAt,
    }),
    attachmentFiles(clinicId, row.patientId, content.attachments),
    attachedDocumentBundles(clinicId, row.patientId, content.attachedDocuments),
  ]);
  if (!clinicInput || !clinic || !patient || !author) return null;
  const { destination, diagnoses: _d, allergies: _a, labs: _l, prescriptions: _rx, attachments: _f, attachedDocuments: _ad, ...sections } = content;
  const built = buildReferralBundle(
    {
      lineageId: row.lineageId,
      version: row.version,
      confirmedAt: row.confirmedAt,
      clinic: { ...clinicInput, address: clinic.address, postalCode: clinic.postalCode, phone: clinic.phone },
      author: { id: author.id, name: author.displayName, licenseNumber: author.licenseNumber },
      destination: { code: destination.code, name: destination.name, address: destination.address, department: destination.department, doctor: destination.doctor },
      patient,
      sections,
      ...records,
      prescriptions,
      attachments: files,
      attachedDocuments,
    },
    { bundleIdentifier },
  );
  return { built, issues: validateReferralWithAttachments(built), member: memberIdentifier(patient)?.value ?? null };
}

/**
 * The letter's uploaded files with their bytes, in the letter's order; a file whose bytes no longer match the SHA-256
 * the version stored is left out (and the letter then fails validation: its 添付情報 points at nothing).
 */
async function attachmentFiles(clinicId: string, patientId: string, items: ReferralContent['attachments']) {
  if (!items.length) return [];
  const rows = await documentAttachmentRepository.findWithData(db(), { clinicId, patientId, ids: items.map((a) => a.id) });
  return items.flatMap((a) => {
    const r = rows.find((x) => x.id === a.id && x.sha256 === a.sha256 && createHash('sha256').update(x.data).digest('hex') === a.sha256);
    return r ? [{ id: r.id, fileName: a.fileName, contentType: a.contentType, size: r.size, data: r.data, createdAt: r.createdAt }] : [];
  });
}

/** The attached 確定 documents as their own FHIR documents (the version the letter names, built by its kind's builder). */
async function attachedDocumentBundles(clinicId: string, patientId: string, items: ReferralContent['attachedDocuments']) {
  if (!items.length) return [];
  const rows = await documentRepository.findManyOfPatient(db(), { clinicId, patientId, ids: items.map((d) => d.id) });
  const out: { title: string; bundle: Bundle }[] = [];
  for (const d of items) {
    const r = rows.find((x) => x.id === d.id);
    if (!r?.confirmedAt || r.status !== 'final' || r.kind === 'referral') continue;
    const unit = await findDocumentUnit(clinicId, r.patientId, r.lineageId);
    const built = await buildDocumentOfRow(clinicId, { ...r, confirmedAt: r.confirmedAt }, unit?.identifier);
    if (built) out.push({ title: d.title, bundle: built.built.bundle });
  }
  return out;
}

/**
 * What the sharing delivery sends for a letter's lineage (no actor: the worker): the latest 確定 version's bundle, or
 * `cancelled` when the latest version is 取消 (the service must delete it), or `none` (only drafts, or gone). A draft
 * of a new version leaves the sent 確定 one as it is until it is 確定d.
 */
export async function documentToSend(
  clinicId: string,
  patientId: string,
  lineageId: string,
  bundleIdentifier: string | null,
): Promise<{ state: 'final'; version: number; built: BuiltDocument; issues: FhirIssue[]; member: string | null } | { state: 'cancelled' } | { state: 'none' }> {
  const rows = await documentRepository.listLineage(db(), { clinicId, patientId, lineageId });
  const latest = rows.find((r) => r.status !== 'draft' && r.status !== 'pending_approval');
  if (!latest) return { state: 'none' };
  if (latest.status === 'entered_in_error') return { state: 'cancelled' };
  if (!latest.confirmedAt) return { state: 'none' };
  const r = await buildDocumentOfRow(clinicId, { ...latest, confirmedAt: latest.confirmedAt }, bundleIdentifier);
  return r ? { state: 'final', version: latest.version, ...r } : { state: 'none' };
}

export async function getDocumentFhir(input: { patientId: string; lineageId: string }, actor: Principal): Promise<DocumentFhirDto> {
  await requirePermission(actor, 'sharing.preview');
  const scope = { clinicId: actor.clinicId, patientId: input.patientId };
  const row = await documentRepository.findLatestOfLineage(db(), { ...scope, lineageId: input.lineageId });
  if (!row) throw notFound();
  if (row.status !== 'final' || !row.confirmedAt) throw new AppError('PRECONDITION_FAILED', '確定した文書だけがFHIR文書になります。');
  const unit = await findDocumentUnit(actor.clinicId, row.patientId, row.lineageId);
  const r = await buildDocumentOfRow(actor.clinicId, { ...row, confirmedAt: row.confirmedAt }, unit?.identifier);
  if (!r) throw notFound();
  const { built, issues } = r;
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'read',
    resourceType: 'clinical_document',
    resourceId: row.id,
    patientId: row.patientId,
    detail: { view: 'fhir', lineageId: row.lineageId, version: row.version, issues: issues.length },
    ctx: actor.ctx,
  });
  return { identifier: built.identifier, version: row.version, issues, sendable: !issues.some((i) => i.severity === 'error'), json: JSON.stringify(built.bundle, null, 2) };
}

/**
 * The FHIR document of one 確定 version of any kind for the vendor API (DocumentReference's attachment): the same
 * builder as the preview and sending, under the identifier the document was sent with (if it was). No audit here: the
 * API's read is.
 */
export async function documentBundleForApi(clinicId: string, row: DocumentRow): Promise<{ bundle: Bundle; identifier: string } | null> {
  if (row.status !== 'final' || !row.confirmedAt) return null;
  const unit = await findDocumentUnit(clinicId, row.patientId, row.lineageId);
  const r = await buildDocumentOfRow(clinicId, { ...row, confirmedAt: row.confirmedAt }, unit?.identifier);
  return r ? { bundle: r.built.bundle, identifier: r.built.identifier } : null;
}

/**
 * `npm run fhir:export`'s documents: the FHIR document of the latest 確定 version of every clinical document of the
 * given clinics, one file each (`<医療機関コード>_<患者番号>_<kind>-<lineage>.json`), built exactly as the preview and
 * sending build it, with its validation. Audited per document (action export).
 */
export async function exportDocumentBundles(options: { outDir: string; clinicIds: readonly string[]; requestId?: string }): Promise<{ file: string; identifier: string; patientId: string; kind: string; issues: FhirIssue[] }[]> {
  mkdirSync(options.outDir, { recursive: true });
  const out: { file: string; identifier: string; patientId: string; kind: string; issues: FhirIssue[] }[] = [];
  for (const clinicId of options.clinicIds) {
    const rows = await documentRepository.listFinalForExport(db(), { clinicId });
    for (const { patient, ...row } of rows) {
      if (!row.confirmedAt) continue;
      const unit = await findDocumentUnit(clinicId, row.patientId, row.lineageId);
      const r = await buildDocumentOfRow(clinicId, { ...row, confirmedAt: row.confirmedAt }, unit?.identifier);
      if (!r) continue;
      const file = path.join(options.outDir, `${r.built.identifier.split('^')[0]}_${String(patient.patientNumber).padStart(6, '0')}_${row.kind}-${row.lineageId}.json`);
      writeFileSync(file, `${JSON.stringify(r.built.bundle, null, 2)}\n`);
      out.push({ file, identifier: r.built.identifier, patientId: row.patientId, kind: row.kind, issues: r.issues });
      await recordAuditEventNow({
        clinicId,
        action: 'export',
        resourceType: RESOURCE,
        resourceId: row.id,
        patientId: row.patientId,
        detail: { tool: 'fhir:export', lineageId: row.lineageId, version: row.version },
        ctx: { ip: null, requestId: options.requestId ?? `fhir-export-${Date.now()}` },
      });
    }
  }
  return out;
}
