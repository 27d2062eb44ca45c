/**
 * 送信内容の確認 (issue 10 §5, docs/decisions/0039): for any patient, exactly what delivery would send now per 報告単位 —
 * the same loader, builder (with the unit's stored identifier) and validator as deliver-unit.service.ts — rendered in
 * Japanese and as raw JSON, with the validator's findings pointing at record and field. Nothing is sent or stored;
 * reading it is audited.
 */
import { recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { notFound } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { buildUnitBundle, renderBundle, validateBundle } from '@/lib/fhir';
import { memberIdentifier } from '@/lib/fhir/patient';
import { listPatientUnits, loadClinicInput, loadUnitInput, type UnitRef } from '@/lib/fhir/source.repository';
import { fhirIssueDto, unitTitle } from './sharing-status.service';
import { labReportSummaries, isInfoUnit, listUnitsForPatient, patientsOfUnits, type SharingUnitRow } from './sharing-unit.repository';
import { UNIT_STATE_LABELS, type UnitKind } from './sharing.constants';
import type { PreviewAction, SharingPreviewDto, SharingPreviewUnitDto } from './sharing.dto';
import { fhirUnitRef } from './deliver-unit.service';

const KIND_OF_REF: Record<UnitRef['kind'], UnitKind> = { condition: 'diagnoses', allergy: 'allergies', 'lab-report': 'lab_report' };
const ACTION_LABELS: Record<PreviewAction, string> = {
  register: '送信します（同じ識別子で置き換え）',
  unchanged: '共有サービスと同じ内容のため送信しません',
  delete: '送信対象がなくなったため、共有サービスから削除します',
  none: '送信する記録はありません',
};

const refKey = (r: UnitRef) => `${r.kind}|${r.kind === 'lab-report' ? r.reportKey : ''}`;

export async function previewPatientSharing(patientId: string, actor: Principal, clock: () => Date = () => new Date()): Promise<SharingPreviewDto> {
  await requirePermission(actor, 'sharing.preview');
  const patients = await patientsOfUnits(actor.clinicId, [patientId]);
  if (!patients.has(patientId)) throw notFound();
  const now = clock();
  const clinic = await loadClinicInput(db(), actor.clinicId);
  if (!clinic) throw notFound();
  const stored = (await listUnitsForPatient(actor.clinicId, patientId)).filter(isInfoUnit);
  const storedByRef = new Map(stored.map((u) => [refKey(fhirUnitRef(u)), u]));
  const refs = await listPatientUnits(db(), actor.clinicId, patientId);
  // a unit the service still holds although its records are gone would be deleted: show it too
  for (const u of stored) if (!refs.some((r) => refKey(r) === refKey(fhirUnitRef(u)))) refs.push(fhirUnitRef(u));
  const labs = await labReportSummaries(actor.clinicId, refs.flatMap((r) => (r.kind === 'lab-report' ? [r.reportKey] : [])));

  const units: SharingPreviewUnitDto[] = [];
  for (const ref of refs) {
    const kind = KIND_OF_REF[ref.kind];
    const unit: SharingUnitRow | undefined = storedByRef.get(refKey(ref));
    const input = await loadUnitInput(db(), actor.clinicId, ref);
    const built = input && buildUnitBundle({ clinic, now, bundleIdentifier: unit?.identifier ?? null }, input);
    const held = Boolean(unit?.identifier && unit.memberIdSent && !unit.removed);
    const memberId = input ? (memberIdentifier(input.patient)?.value ?? null) : null;
    const issues = built ? validateBundle(built.bundle).map((i) => fhirIssueDto(actor, patientId, kind, i)) : [];
    if (built && !memberId) {
      issues.unshift({
        severity: 'error',
        message: '被保険者個人識別子（保険証の記号・番号）がないため送信できません。保険情報を登録してください。',
        field: '保険証（保険者番号・記号・番号・枝番）',
        record: '患者情報',
        href: null,
      });
    }
    const action: PreviewAction = !built ? (held ? 'delete' : 'none') : held && unit?.lastSentHash === built.contentHash && unit.memberIdSent === memberId ? 'unchanged' : 'register';
    units.push({
      kind,
      title: unitTitle(kind, ref.kind === 'lab-report' ? ref.reportKey : '', labs),
      identifier: built?.identifier ?? unit?.identifier ?? null,
      action,
      actionLabel: ACTION_LABELS[action],
      state: unit?.state ?? null,
      stateLabel: unit ? UNIT_STATE_LABELS[unit.state] : null,
      memberId,
      sendable: !issues.some((i) => i.severity === 'error'),
      issues,
      rendered: built ? renderBundle(built.bundle) : null,
    });
  }
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'read',
    resourceType: 'sharing_preview',
    patientId,
    detail: { units: units.map((u) => ({ kind: u.kind, identifier: u.identifier, action: u.action })) },
    ctx: actor.ctx,
  });
  return { patientId, generatedAt: now.toISOString(), units };
}
