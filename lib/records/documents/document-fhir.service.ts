/**
 * The FHIR document of a 確定 診療情報提供書 (JP_Bundle_eReferral, docs/decisions/0049): built from the stored letter
 * (its sections and destination) and the records it lists as they stood at 確定, through lib/fhir's 6情報 mapping,
 * and validated. What staff see before sending is exactly what the sharing delivery sends (referralToSend).
 */
import { AppError, notFound } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { loadClinicInput, loadPatientInput, loadReferralRecordInputs } from '@/lib/fhir/source.repository';
import { buildReferralBundle, type ReferralBundle } from '@/lib/fhir/referral';
import { memberIdentifier } from '@/lib/fhir/patient';
import { findDocumentUnit } from '@/lib/sharing/sharing-unit.repository';
import { validateReferralBundle } from '@/lib/fhir/referral-validate';
import type { FhirIssue } from '@/lib/fhir/issues';
import { documentRepository } from './document.repository';
import { referralContentSchema } from './referral.schema';

export type ReferralFhirDto = { identifier: string; version: number; issues: FhirIssue[]; sendable: boolean; json: string };

type DocumentRow = NonNullable<Awaited<ReturnType<typeof documentRepository.findById>>>;

/** The JP_Bundle_eReferral of one 確定 version and its validation: the one builder of the preview and of sending. */
async function buildReferralOfRow(clinicId: string, row: DocumentRow & { confirmedAt: Date }, bundleIdentifier?: string | null) {
  const content = referralContentSchema.parse(row.content);
  const [clinicInput, clinic, patient, author, records] = await Promise.all([
    loadClinicInput(db(), clinicId),
    documentRepository.findClinic(db(), { clinicId }),
    loadPatientInput(db(), clinicId, row.patientId),
    documentRepository.findAuthor(db(), { clinicId, userId: row.confirmedById ?? row.authorId }),
    loadReferralRecordInputs(db(), clinicId, row.patientId, {
      diagnosisLineageIds: content.diagnoses.map((d) => d.lineageId),
      allergyLineageIds: content.allergies.map((a) => a.lineageId),
      labResultIds: content.labs.map((l) => l.id),
      asOf: row.confirmedAt,
    }),
  ]);
  if (!clinicInput || !clinic || !patient || !author) return null;
  const { destination, diagnoses: _d, allergies: _a, labs: _l, ...sections } = content;
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
    },
    { bundleIdentifier },
  );
  return { built, issues: validateReferralBundle(built), member: memberIdentifier(patient)?.value ?? null };
}

/**
 * What the sharing delivery sends for a letter's lineage (no actor: the worker): the latest 確定 version's bundle, or
 * `cancelled` when the latest version is 取消 (the service must delete it), or `none` (only drafts, or gone). A draft
 * of a new version leaves the sent 確定 one as it is until it is 確定d.
 */
export async function referralToSend(
  clinicId: string,
  patientId: string,
  lineageId: string,
  bundleIdentifier: string | null,
): Promise<{ state: 'final'; version: number; built: ReferralBundle; issues: FhirIssue[]; member: string | null } | { state: 'cancelled' } | { state: 'none' }> {
  const rows = await documentRepository.listLineage(db(), { clinicId, patientId, lineageId });
  const latest = rows.find((r) => r.status !== 'draft' && r.status !== 'pending_approval');
  if (!latest) return { state: 'none' };
  if (latest.status === 'entered_in_error') return { state: 'cancelled' };
  if (!latest.confirmedAt) return { state: 'none' };
  const r = await buildReferralOfRow(clinicId, { ...latest, confirmedAt: latest.confirmedAt }, bundleIdentifier);
  return r ? { state: 'final', version: latest.version, ...r } : { state: 'none' };
}

export async function getReferralFhir(input: { patientId: string; lineageId: string }, actor: Principal): Promise<ReferralFhirDto> {
  await requirePermission(actor, 'sharing.preview');
  const scope = { clinicId: actor.clinicId, patientId: input.patientId };
  const row = await documentRepository.findLatestOfLineage(db(), { ...scope, lineageId: input.lineageId });
  if (!row) throw notFound();
  if (row.status !== 'final' || !row.confirmedAt) throw new AppError('PRECONDITION_FAILED', '確定した文書だけがFHIR文書になります。');
  const unit = await findDocumentUnit(actor.clinicId, row.patientId, row.lineageId);
  const r = await buildReferralOfRow(actor.clinicId, { ...row, confirmedAt: row.confirmedAt }, unit?.identifier);
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
