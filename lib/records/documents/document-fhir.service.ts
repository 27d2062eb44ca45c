/**
 * The FHIR document of a 確定 診療情報提供書 (JP_Bundle_eReferral, docs/decisions/0049): built from the stored letter
 * (its sections and destination) and the records it lists as they stood at 確定, through lib/fhir's 6情報 mapping,
 * and validated. What staff see before anything is sent; sending it through the sharing service is a later slice.
 */
import { AppError, notFound } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { loadClinicInput, loadPatientInput, loadReferralRecordInputs } from '@/lib/fhir/source.repository';
import { buildReferralBundle } from '@/lib/fhir/referral';
import { validateReferralBundle } from '@/lib/fhir/referral-validate';
import type { FhirIssue } from '@/lib/fhir/issues';
import { documentRepository } from './document.repository';
import { referralContentSchema } from './referral.schema';

export type ReferralFhirDto = { identifier: string; version: number; issues: FhirIssue[]; sendable: boolean; json: string };

export async function getReferralFhir(input: { patientId: string; lineageId: string }, actor: Principal): Promise<ReferralFhirDto> {
  await requirePermission(actor, 'sharing.preview');
  const scope = { clinicId: actor.clinicId, patientId: input.patientId };
  const row = await documentRepository.findLatestOfLineage(db(), { ...scope, lineageId: input.lineageId });
  if (!row) throw notFound();
  if (row.status !== 'final' || !row.confirmedAt) throw new AppError('PRECONDITION_FAILED', '確定した文書だけがFHIR文書になります。');
  const content = referralContentSchema.parse(row.content);
  const [clinicInput, clinic, patient, author, records] = await Promise.all([
    loadClinicInput(db(), actor.clinicId),
    documentRepository.findClinic(db(), { clinicId: actor.clinicId }),
    loadPatientInput(db(), actor.clinicId, row.patientId),
    documentRepository.findAuthor(db(), { clinicId: actor.clinicId, userId: row.confirmedById ?? row.authorId }),
    loadReferralRecordInputs(db(), actor.clinicId, row.patientId, {
      diagnosisLineageIds: content.diagnoses.map((d) => d.lineageId),
      allergyLineageIds: content.allergies.map((a) => a.lineageId),
      labResultIds: content.labs.map((l) => l.id),
      asOf: row.confirmedAt,
    }),
  ]);
  if (!clinicInput || !clinic || !patient || !author) throw notFound();
  const { destination, diagnoses: _d, allergies: _a, labs: _l, ...sections } = content;
  const built = buildReferralBundle({
    lineageId: row.lineageId,
    version: row.version,
    confirmedAt: row.confirmedAt,
    clinic: { ...clinicInput, address: clinic.address, postalCode: clinic.postalCode, phone: clinic.phone },
    author: { id: author.id, name: author.displayName, licenseNumber: author.licenseNumber },
    destination: { code: destination.code, name: destination.name, address: destination.address, department: destination.department, doctor: destination.doctor },
    patient,
    sections,
    ...records,
  });
  const issues = validateReferralBundle(built);
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
