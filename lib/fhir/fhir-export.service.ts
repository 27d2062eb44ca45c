/**
 * `npm run fhir:export`: every 6情報 bundle of every patient of the chosen clinics, one JSON file each, exactly as
 * buildUnitBundle makes them for the sharing adapter, with each bundle's validation result. The export is audited
 * per patient (action export).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { db } from '@/lib/core/db';
import { buildUnitBundle } from './bundle';
import type { FhirIssue } from './issues';
import { listClinicUnits, loadClinicInput, loadUnitInput } from './source.repository';
import { validateBundle } from './validate';

export interface ExportedBundle {
  file: string;
  identifier: string;
  patientId: string;
  kind: string;
  issues: FhirIssue[];
}

/** Writes the bundles of the given clinics (all when none given) into `outDir`. */
export async function exportFhirBundles(options: { outDir: string; clinicIds: readonly string[]; now?: Date; requestId?: string }): Promise<ExportedBundle[]> {
  const now = options.now ?? new Date();
  mkdirSync(options.outDir, { recursive: true });
  const exported: ExportedBundle[] = [];
  for (const clinicId of options.clinicIds) {
    const clinic = await loadClinicInput(db(), clinicId);
    if (!clinic) continue;
    const patients = new Set<string>();
    for (const unit of await listClinicUnits(db(), clinicId)) {
      const input = await loadUnitInput(db(), clinicId, unit);
      const built = input && buildUnitBundle({ clinic, now }, input);
      if (!input || !built) continue;
      const suffix = unit.kind === 'lab-report' ? `lab-${unit.reportKey.replace(/[^A-Za-z0-9-]/g, '-')}` : unit.kind;
      const file = path.join(options.outDir, `${clinic.institutionNumber}_${String(input.patient.patientNumber).padStart(6, '0')}_${suffix}.json`);
      writeFileSync(file, `${JSON.stringify(built.bundle, null, 2)}\n`);
      patients.add(input.patient.id);
      exported.push({ file, identifier: built.identifier, patientId: input.patient.id, kind: unit.kind, issues: validateBundle(built.bundle) });
    }
    for (const patientId of patients) {
      await recordAuditEventNow({
        clinicId,
        action: 'export',
        resourceType: 'fhir_bundle',
        patientId,
        detail: { tool: 'fhir:export' },
        ctx: { ip: null, requestId: options.requestId ?? `fhir-export-${now.getTime()}` },
      });
    }
  }
  return exported;
}
