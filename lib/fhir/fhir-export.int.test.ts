import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Bundle, Condition, Observation, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { recordAllergy } from '@/lib/records/allergies/allergy.service';
import { recordDiagnosis, setDiagnosisFlag } from '@/lib/records/diagnoses/diagnosis.service';
import { DEMO_CLINICS, seedDemo } from '@/prisma/seed/demo-seed';
import { seedDemoClinical } from '@/prisma/seed/demo-clinical';
import { seedDemoDocuments, seedDemoReferralInstitutions } from '@/prisma/seed/demo-documents';
import { exportDocumentBundles } from '@/lib/records/documents/document-fhir.service';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { buildUnitBundle } from './bundle';
import { CODE_SYSTEMS, EXTENSIONS } from './profiles';
import { exportFhirBundles } from './fhir-export.service';
import { listClinicUnits, loadClinicInput, loadUnitInput, loadUnitInputs, type UnitRef } from './source.repository';
import { loadFhirProfiles, validateBundleUncached } from './validate';

const out = mkdtempSync(path.join(tmpdir(), 'karte-fhir-export-'));
let demoClinicId: string;

beforeAll(async () => {
  loadFhirProfiles();
  await seedDemo(db(), { patientsPerClinic: 12 });
  await loadDemoMasters();
  await seedDemoClinical(db());
  await seedDemoReferralInstitutions(db());
  await seedDemoDocuments(db());
  const entry = await db().institutionNumber.findUnique({ where: { institutionNumber: DEMO_CLINICS[0]!.institutionNumber } });
  demoClinicId = entry!.clinicId;
}, 300_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('fhir:export of the demo clinic', () => {
  it('writes every unit of every demo patient, each file valid against the JP-CLINS 1.5.2 profiles, and audits the export', async () => {
    const mark = await auditMark(demoClinicId);
    const exported = await exportFhirBundles({ outDir: out, clinicIds: [demoClinicId] });
    const units = await listClinicUnits(db(), demoClinicId);
    expect(exported.length).toBe(units.length);
    expect(new Set(exported.map((e) => e.kind))).toEqual(new Set(['condition', 'allergy', 'lab-report']));
    const files = readdirSync(out).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(exported.length);
    for (const file of files) {
      const bundle = JSON.parse(readFileSync(path.join(out, file), 'utf8')) as Bundle;
      const errors = validateBundleUncached(bundle).filter((i) => i.severity === 'error');
      expect(errors, `${file}: ${JSON.stringify(errors, null, 1)}`).toEqual([]);
    }
    const exportsByPatient = await auditEventsFor(demoClinicId, { action: 'export', resourceType: 'fhir_bundle' }, mark);
    expect(new Set(exportsByPatient.map((e) => e.patientId))).toEqual(new Set(exported.map((e) => e.patientId)));
  });

  it('writes the demo documents (紹介状, 退院時サマリー, 健診結果報告書) as their FHIR documents, valid, each export audited', async () => {
    expect(await seedDemoDocuments(db())).toBe(0); // idempotent
    const mark = await auditMark(demoClinicId);
    const docs = await exportDocumentBundles({ outDir: out, clinicIds: [demoClinicId] });
    expect(docs.map((d) => d.kind)).toEqual(['referral', 'discharge_summary', 'checkup_report']);
    for (const d of docs) expect(d.issues.filter((i) => i.severity === 'error'), `${d.file}: ${JSON.stringify(d.issues, null, 1)}`).toEqual([]);
    const bundles = docs.map((d) => JSON.parse(readFileSync(d.file, 'utf8')) as Bundle);
    expect(bundles.map((b) => b.meta!.profile![0]!.split('/').pop())).toEqual(['JP_Bundle_eReferral', 'JP_Bundle_eDischargeSummary', 'JP_Bundle_eCheckupGeneral']);
    // the letter and the summary carry the patient's latest prescription as MedicationRequests
    for (const b of bundles.slice(0, 2)) expect(b.entry!.some((e) => e.resource!.resourceType === 'MedicationRequest')).toBe(true);
    const events = await auditEventsFor(demoClinicId, { action: 'export', resourceType: 'clinical_document' }, mark);
    expect(events).toHaveLength(3);
    // the summary was written from the demo's 退院済 admission (ADR 0087), whose stay it carries
    const summary = await db().clinicalDocument.findFirstOrThrow({ where: { clinicId: demoClinicId, kind: 'discharge_summary' } });
    const admission = await db().admission.findFirstOrThrow({ where: { clinicId: demoClinicId, patientId: summary.patientId, isLatest: true } });
    expect(admission).toMatchObject({ status: 'discharged', version: 2, outcome: '1' });
    expect(summary.content).toMatchObject({ admission: { id: admission.id, lineageId: admission.lineageId, version: 2 }, admissionDate: '2026-10-01', dischargeDate: '2026-10-08' });
  });

  it('a file is exactly the bundle the adapter gets from buildUnitBundle', async () => {
    const now = new Date('2026-12-04T03:00:00Z');
    const [first] = await exportFhirBundles({ outDir: out, clinicIds: [demoClinicId], now });
    const clinic = (await loadClinicInput(db(), demoClinicId))!;
    const input = (await loadUnitInput(db(), demoClinicId, (await listClinicUnits(db(), demoClinicId))[0]!))!;
    expect(JSON.parse(readFileSync(first!.file, 'utf8'))).toEqual(buildUnitBundle({ clinic, now }, input)!.bundle);
  });
});

describe('source: the inputs of a batch of units (the delivery of a claimed batch)', () => {
  it('loadUnitInputs gives exactly what loadUnitInput gives unit by unit, for every demo unit, an unknown patient, an empty report and another clinic', async () => {
    const units = await listClinicUnits(db(), demoClinicId);
    expect(new Set(units.map((u) => u.kind))).toEqual(new Set(['condition', 'allergy', 'lab-report']));
    const other = await clinicWithStaff();
    const foreign = await createPatient(other.receptionist);
    const refs: UnitRef[] = [
      ...units,
      { kind: 'condition', patientId: randomUUID() },
      { kind: 'lab-report', patientId: units[0]!.patientId, reportKey: 'no-such-report' },
      { kind: 'allergy', patientId: foreign.id },
      units[0]!,
    ];
    const batch = await loadUnitInputs(db(), demoClinicId, refs);
    expect(batch).toHaveLength(refs.length);
    for (const [i, ref] of refs.entries()) expect(batch[i], JSON.stringify(ref)).toEqual(await loadUnitInput(db(), demoClinicId, ref));
    expect(batch.filter((b) => b === null)).toHaveLength(2);
    expect(batch.filter((b) => b && b.kind === 'lab-report' && b.results.length > 0).length).toBeGreaterThan(0);
  });
});

describe('source: records written through the services', () => {
  it('a modified, suspected, 未告知 diagnosis and an uncoded food allergy load and map with their codes, department and flags', async () => {
    const staff = await clinicWithStaff();
    const patient = await createPatient(staff.receptionist);
    const diagnosis = await recordDiagnosis({ patientId: patient.id, diseaseCode: '8830417', modifierCodes: ['4012', '8002'], isSuspected: true }, staff.doctor);
    await setDiagnosisFlag({ diagnosisId: diagnosis.id, flag: 'uninformed', value: true }, staff.doctor);
    await recordAllergy({ patientId: patient.id, category: 'food', substanceName: 'そば', reaction: '呼吸困難', severity: 'severe' }, staff.doctor);
    const clinic = (await loadClinicInput(db(), staff.clinic.id))!;
    const units = await listClinicUnits(db(), staff.clinic.id);
    expect(units).toEqual(
      expect.arrayContaining([
        { kind: 'condition', patientId: patient.id },
        { kind: 'allergy', patientId: patient.id },
      ]),
    );
    const conditionInput = (await loadUnitInput(db(), staff.clinic.id, { kind: 'condition', patientId: patient.id }))!;
    const built = buildUnitBundle({ clinic, now: new Date() }, conditionInput)!;
    const condition = built.bundle.entry![1]!.resource as Condition;
    expect(condition.meta!.tag!.map((t) => t.code)).toEqual(['UNINFORMED']);
    expect(condition.verificationStatus!.coding![0]!.code).toBe('unconfirmed');
    expect(condition.code!.coding![0]!.system).toBe(CODE_SYSTEMS.medisDisease);
    expect(condition.code!.extension!.map((e) => e.url)).toEqual([EXTENSIONS.prefixModifier]);
    expect(condition.identifier![0]!.value).toBe(diagnosis.lineageId);
    const issues = validateBundleUncached(built.bundle);
    expect(issues.some((i) => i.rule === 'all-entries-needs-valid-institutionNumber' && i.recordId === diagnosis.lineageId) === !/^[0-4][0-9][1-3][0-9]{7}$/.test(clinic.institutionNumber)).toBe(true);
    // a clinic made by the test factory has no department: the validator says so, on the diagnosis
    const departments = await db().department.count({ where: { clinicId: staff.clinic.id } });
    if (departments === 0) expect(issues.some((i) => i.rule === 'condition-needs-extension-of-Department' && i.recordId === diagnosis.lineageId)).toBe(true);
    else expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    const allergyInput = (await loadUnitInput(db(), staff.clinic.id, { kind: 'allergy', patientId: patient.id }))!;
    const allergy = buildUnitBundle({ clinic, now: new Date() }, allergyInput)!;
    expect(allergy.bundle.entry![1]!.resource).toMatchObject({ category: ['food'], code: { coding: [{ code: 'D9F000000000' }], text: 'そば' }, reaction: [{ severity: 'severe' }] });
  });

  it('uses the model: department, 未提供, allergy end date, lab report id, ordering doctor and prefecture/city', async () => {
    const staff = await clinicWithStaff();
    const clinicId = staff.clinic.id;
    // the factory's institution numbers are random; JP-CLINS wants 都道府県2桁 + 点数表 1-3 + 7 digits
    const institutionNumber = `131${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    await db().institutionNumber.delete({ where: { institutionNumber: staff.clinic.institutionNumber } });
    await db().institutionNumber.create({ data: { institutionNumber, clinicId } });
    await db().clinic.update({ where: { id: clinicId }, data: { institutionNumber } });
    const patient = await createPatient(staff.receptionist);
    await db().patient.update({ where: { clinicId_id: { clinicId, id: patient.id } }, data: { prefecture: '東京都', city: '港区' } });
    await db().department.create({ data: { clinicId, code: '01', name: '内科' } });
    await db().department.create({ data: { clinicId, code: '081', name: '循環器内科' } });
    const dx = randomUUID();
    await db().diagnosis.create({
      data: { clinicId, lineageId: dx, patientId: patient.id, baseName: '高血圧症', displayName: '高血圧症', medisKeyNumber: '20065138', startDate: new Date('2024-01-01T00:00:00Z'), departmentCode: '081', undelivered: true, recordedById: staff.doctor.userId },
    });
    const al = randomUUID();
    await db().allergy.create({
      data: { clinicId, lineageId: al, patientId: patient.id, category: 'food', substanceName: 'えび', clinicalStatus: 'resolved', endDate: new Date('2025-05-01T00:00:00Z'), departmentCode: '01', recordedById: staff.nurse.userId },
    });
    const reportId = randomUUID();
    for (const [itemKey, localCode] of [['K', 'K01'], ['NA', 'NA01']] as const) {
      await db().labResult.create({
        data: { clinicId, lineageId: randomUUID(), patientId: patient.id, itemKey, localCode, itemName: itemKey, valueNumber: 4, unit: 'mEq/L', specimen: '血清', collectedAt: new Date(), reportId, orderingDoctorId: staff.doctor.userId, departmentCode: '081', recordedById: staff.nurse.userId },
      });
    }
    const units = await listClinicUnits(db(), clinicId);
    expect(units).toContainEqual({ kind: 'lab-report', patientId: patient.id, reportKey: reportId });
    const clinic = (await loadClinicInput(db(), clinicId))!;
    const now = new Date();
    const condition = buildUnitBundle({ clinic, now }, (await loadUnitInput(db(), clinicId, { kind: 'condition', patientId: patient.id }))!)!.bundle;
    const c = condition.entry![1]!.resource as Condition;
    expect(c.meta!.tag!.map((t) => t.code)).toEqual(['UNDELIVERED']);
    expect(c.extension!.find((e) => e.url === EXTENSIONS.department)!.valueCodeableConcept!.text).toBe('循環器内科');
    expect((condition.entry![0]!.resource as Patient).address![0]).toMatchObject({ state: '東京都', city: '港区' });
    const allergy = buildUnitBundle({ clinic, now }, (await loadUnitInput(db(), clinicId, { kind: 'allergy', patientId: patient.id }))!)!.bundle;
    expect(allergy.entry![1]!.resource).toMatchObject({ clinicalStatus: { coding: [{ code: 'resolved' }] }, note: [{ text: '終了日 2025-05-01' }] });
    const lab = buildUnitBundle({ clinic, now }, (await loadUnitInput(db(), clinicId, { kind: 'lab-report', patientId: patient.id, reportKey: reportId }))!)!;
    expect(lab.bundle.entry).toHaveLength(3);
    expect(lab.identifier).toMatch(new RegExp(`^${clinic.institutionNumber}\\^\\d{4}\\^L[0-9a-f]{32}$`));
    for (const e of lab.bundle.entry!.slice(1)) expect((e.resource as Observation).performer![0]!.display).toBe(staff.users[0]!.displayName);
    expect(validateBundleUncached(lab.bundle).filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('another clinic sees nothing of this one (every query is clinic-scoped)', async () => {
    const other = await clinicWithStaff();
    const patient = (await db().patient.findFirst({ where: { clinicId: demoClinicId } }))!;
    expect(await loadUnitInput(db(), other.clinic.id, { kind: 'condition', patientId: patient.id })).toBeNull();
    expect(await listClinicUnits(db(), other.clinic.id)).toEqual([]);
  });
});
