/**
 * Loads a 報告単位's input for lib/fhir's builders from the database: clinic-scoped queries only (every WHERE has
 * clinicId, so each is a router query on Citus), rows turned into the plain objects of types.ts.
 *
 * Where a record lacks a value the mapping needs, it is derived (and the validator says when it still cannot be):
 * - department: the record's departmentCode, else its visit's department, else the recorder's, else the clinic's first;
 * - the ordering doctor of a lab result: its orderingDoctorId, else its visit's doctor, else whoever recorded it if
 *   that is a doctor.
 * A lab report unit is keyed by LabResult.reportId (`reportKey`), as the sharing outbox names it.
 */
import type { db, Tx } from '@/lib/core/db';
import type { Prescription, PrescriptionItem } from '@/lib/generated/prisma/client';
import { dateOnly, todayJst } from '@/lib/core/dates';
import { findDepartment } from '@/lib/reference/departments';
import type {
  FhirAllergyInput,
  FhirClinicInput,
  FhirDepartmentInput,
  FhirDiagnosisInput,
  FhirEncounterInput,
  FhirLabResultInput,
  FhirMedicationInput,
  FhirModifierInput,
  FhirPatientInput,
  FhirPractitionerInput,
  FhirUnitInput,
} from './types';

type Client = Tx | ReturnType<typeof db>;

export type UnitRef = { kind: 'condition' | 'allergy'; patientId: string } | { kind: 'lab-report'; patientId: string; reportKey: string };

/** The report a lab result belongs to: its reportId (one entry form or one CSV import per patient). */
export function labReportKey(row: { reportId: string }): string {
  return row.reportId;
}

const decimal = (v: { toString(): string } | null | undefined): string | null => (v == null ? null : v.toString());

export async function loadClinicInput(c: Client, clinicId: string): Promise<FhirClinicInput | null> {
  const clinic = await c.clinic.findFirst({ where: { id: clinicId }, select: { institutionNumber: true, name: true } });
  return clinic ? { institutionNumber: clinic.institutionNumber, name: clinic.name } : null;
}

type PatientRow = NonNullable<Awaited<ReturnType<Client['patient']['findFirst']>>>;

/** Inputs of several patient rows of one clinic, with their current 医療保険 and 公費 (two queries for all of them). */
export async function patientInputs(c: Client, clinicId: string, patients: readonly PatientRow[]): Promise<FhirPatientInput[]> {
  if (!patients.length) return [];
  const ids = patients.map((p) => p.id);
  const today = dateOnly(todayJst()); // the clinic's calendar day, not UTC's (they differ 00:00–09:00 JST)
  const current = <T extends { validUntil: Date | null; endedAt: Date | null }>(r: T) => !r.endedAt && (!r.validUntil || r.validUntil >= today);
  // side by side (two round trips at once; inside a transaction the client runs them one after the other)
  const [insurances, expenses] = await Promise.all([
    c.patientInsurance.findMany({ where: { clinicId, patientId: { in: ids } }, orderBy: { createdAt: 'desc' } }),
    c.publicExpense.findMany({ where: { clinicId, patientId: { in: ids } }, orderBy: { createdAt: 'desc' } }),
  ]);
  return patients.map((p) => {
    const insurance = insurances.find((i) => i.patientId === p.id && current(i));
    return {
      id: p.id,
      patientNumber: p.patientNumber,
      familyName: p.familyName,
      givenName: p.givenName,
      familyNameKana: p.familyNameKana,
      givenNameKana: p.givenNameKana,
      sex: p.sex,
      birthDate: p.birthDate,
      postalCode: p.postalCode,
      address: p.address,
      prefecture: p.prefecture,
      city: p.city,
      phone: p.phone,
      updatedAt: p.updatedAt,
      insurance: insurance ? { insurerNumber: insurance.insurerNumber, symbol: insurance.symbol, number: insurance.number, branch: insurance.branch } : null,
      publicExpenses: expenses.filter((e) => e.patientId === p.id && current(e)).map((e) => ({ payerNumber: e.payerNumber, recipientNumber: e.recipientNumber })),
    };
  });
}

export async function loadPatientInput(c: Client, clinicId: string, patientId: string): Promise<FhirPatientInput | null> {
  const p = await c.patient.findFirst({ where: { clinicId, id: patientId, deletedAt: null } });
  return p ? ((await patientInputs(c, clinicId, [p]))[0] ?? null) : null;
}

/** What the department and doctor fallbacks need, loaded once per unit. */
async function loadContext(c: Client, clinicId: string, visitIds: string[], userIds: string[]) {
  const departments = await c.department.findMany({ where: { clinicId }, orderBy: { code: 'asc' } });
  const visits = visitIds.length ? await c.visit.findMany({ where: { clinicId, id: { in: visitIds } } }) : [];
  const ids = [...new Set([...userIds, ...visits.map((v) => v.doctorId).filter((id): id is string => !!id)])];
  const users = ids.length ? await c.user.findMany({ where: { clinicId, id: { in: ids } }, select: { id: true, displayName: true, role: true, departmentId: true, licenseNumber: true, licenseType: true } }) : [];
  const deptById = new Map(departments.map((d) => [d.id, d]));
  const visitById = new Map(visits.map((v) => [v.id, v]));
  const userById = new Map(users.map((u) => [u.id, u]));
  const asInput = (d: { code: string; name: string } | undefined | null): FhirDepartmentInput | null => (d ? { code: d.code, name: d.name } : null);

  return {
    department(record: { departmentCode?: string | null; visitId?: string | null; recordedById: string }): FhirDepartmentInput | null {
      if (record.departmentCode) {
        const own = departments.find((d) => d.code === record.departmentCode);
        if (own) return asInput(own);
        const known = findDepartment(record.departmentCode);
        if (known) return { code: known.code, name: known.name };
      }
      const visit = record.visitId ? visitById.get(record.visitId) : undefined;
      const fromVisit = visit?.departmentId ? deptById.get(visit.departmentId) : undefined;
      const recorder = userById.get(record.recordedById);
      const fromRecorder = recorder?.departmentId ? deptById.get(recorder.departmentId) : undefined;
      return asInput(fromVisit ?? fromRecorder ?? departments[0]);
    },
    encounter(visitId: string | null | undefined): FhirEncounterInput {
      const visit = visitId ? visitById.get(visitId) : undefined;
      return { id: visit?.id ?? null, class: visit?.encounterClass === 'IMP' ? 'IMP' : 'AMB' };
    },
    orderingDoctor(record: { orderingDoctorId?: string | null; visitId?: string | null; recordedById: string }): FhirPractitionerInput | null {
      const ordered = record.orderingDoctorId ? userById.get(record.orderingDoctorId) : undefined;
      const visit = record.visitId ? visitById.get(record.visitId) : undefined;
      const doctor = visit?.doctorId ? userById.get(visit.doctorId) : undefined;
      const recorder = userById.get(record.recordedById);
      const chosen = ordered ?? doctor ?? (recorder?.role === 'doctor' ? recorder : undefined);
      return chosen ? { id: chosen.id, name: chosen.displayName, licenseNumber: chosen.licenseNumber, licenseType: chosen.licenseType } : null;
    },
  };
}

async function firstVersionTimes(c: Client, table: 'diagnosis' | 'allergy', clinicId: string, lineageIds: string[]): Promise<Map<string, Date>> {
  if (!lineageIds.length) return new Map();
  const where = { clinicId, lineageId: { in: lineageIds }, version: 1 };
  const rows =
    table === 'diagnosis'
      ? await c.diagnosis.findMany({ where, select: { lineageId: true, createdAt: true } })
      : await c.allergy.findMany({ where, select: { lineageId: true, createdAt: true } });
  return new Map(rows.map((r) => [r.lineageId, r.createdAt]));
}

function modifiersOf(json: unknown): FhirModifierInput[] {
  if (!Array.isArray(json)) return [];
  return json.flatMap((m) => {
    const o = m as Record<string, unknown>;
    if (typeof o.code !== 'string' || typeof o.name !== 'string') return [];
    return [{ code: o.code, name: o.name, position: o.position === 'prefix' ? 'prefix' : 'suffix', keyNumber: (o.keyNumber as string | undefined) ?? null, exchangeCode: (o.exchangeCode as string | undefined) ?? null }];
  });
}

type DiagnosisRow = Awaited<ReturnType<Client['diagnosis']['findMany']>>[number];
type AllergyRow = Awaited<ReturnType<Client['allergy']['findMany']>>[number];
type LabResultRow = Awaited<ReturnType<Client['labResult']['findMany']>>[number];

/** Inputs of diagnosis rows (any versions) of one clinic, with department, encounter and first-recorded time resolved. */
export async function diagnosisInputs(c: Client, clinicId: string, rows: readonly DiagnosisRow[]): Promise<FhirDiagnosisInput[]> {
  if (!rows.length) return [];
  const ctx = await loadContext(c, clinicId, rows.map((r) => r.visitId).filter((v): v is string => !!v), rows.map((r) => r.recordedById));
  const first = await firstVersionTimes(c, 'diagnosis', clinicId, [...new Set(rows.map((r) => r.lineageId))]);
  return rows.map((r) => ({
    id: r.id,
    lineageId: r.lineageId,
    version: r.version,
    status: r.status,
    updatedAt: r.createdAt,
    recordedAt: first.get(r.lineageId) ?? r.createdAt,
    diseaseCode: r.diseaseCode,
    medisKeyNumber: r.medisKeyNumber,
    exchangeCode: r.exchangeCode,
    icd10: r.icd10,
    baseName: r.baseName,
    displayName: r.displayName,
    modifiers: modifiersOf(r.modifiers),
    isPrimary: r.isPrimary,
    isSuspected: r.isSuspected,
    startDate: r.startDate,
    outcome: r.outcome,
    endDate: r.endDate,
    longTermStorage: r.longTermStorage,
    uninformed: r.uninformed,
    undelivered: r.undelivered,
    department: ctx.department(r),
    encounter: ctx.encounter(r.visitId),
    note: r.note,
  }));
}

/** Inputs of allergy rows (any versions) of one clinic. */
export async function allergyInputs(c: Client, clinicId: string, rows: readonly AllergyRow[]): Promise<FhirAllergyInput[]> {
  if (!rows.length) return [];
  const ctx = await loadContext(c, clinicId, [], rows.map((r) => r.recordedById));
  const first = await firstVersionTimes(c, 'allergy', clinicId, [...new Set(rows.map((r) => r.lineageId))]);
  return rows.map((r) => ({
    id: r.id,
    lineageId: r.lineageId,
    version: r.version,
    status: r.status,
    updatedAt: r.createdAt,
    recordedAt: first.get(r.lineageId) ?? r.createdAt,
    category: r.category,
    codeSystem: r.codeSystem,
    code: r.code,
    substanceName: r.substanceName,
    yjCode: r.yjCode,
    reaction: r.reaction,
    severity: r.severity,
    onsetDate: r.onsetDate,
    clinicalStatus: r.clinicalStatus,
    verification: r.verification,
    longTermStorage: r.longTermStorage,
    endDate: r.endDate,
    department: ctx.department(r),
    encounter: ctx.encounter(null),
    note: r.note,
  }));
}

/** Inputs of lab result rows (any versions) of one clinic, with the ordering doctor resolved. */
export async function labResultInputs(c: Client, clinicId: string, rows: readonly LabResultRow[]): Promise<FhirLabResultInput[]> {
  if (!rows.length) return [];
  const doctors = rows.flatMap((r) => [r.recordedById, ...(r.orderingDoctorId ? [r.orderingDoctorId] : [])]);
  const ctx = await loadContext(c, clinicId, rows.map((r) => r.visitId).filter((v): v is string => !!v), doctors);
  return rows.map((r) => ({
    id: r.id,
    lineageId: r.lineageId,
    version: r.version,
    status: r.status,
    updatedAt: r.createdAt,
    itemKey: r.itemKey,
    jlac10: r.jlac10,
    localCode: r.localCode,
    itemName: r.itemName,
    valueNumber: decimal(r.valueNumber),
    valueText: r.valueText,
    unit: r.unit,
    referenceLow: decimal(r.referenceLow),
    referenceHigh: decimal(r.referenceHigh),
    referenceText: r.referenceText,
    flag: r.flag,
    specimen: r.specimen,
    collectedAt: r.collectedAt,
    reportedAt: r.reportedAt,
    department: ctx.department(r),
    encounter: ctx.encounter(r.visitId),
    orderingDoctor: ctx.orderingDoctor(r),
  }));
}

/** The input of one unit, or null when the patient is gone (withdrawn registration) or the clinic unknown. */
export async function loadUnitInput(c: Client, clinicId: string, unit: UnitRef): Promise<FhirUnitInput | null> {
  const patient = await loadPatientInput(c, clinicId, unit.patientId);
  if (!patient) return null;
  const scope = { clinicId, patientId: unit.patientId, isLatest: true };
  if (unit.kind === 'condition') {
    const rows = await c.diagnosis.findMany({ where: { ...scope, status: 'final' }, orderBy: [{ startDate: 'asc' }, { createdAt: 'asc' }] });
    return { kind: 'condition', patient, diagnoses: await diagnosisInputs(c, clinicId, rows) };
  }
  if (unit.kind === 'allergy') {
    const rows = await c.allergy.findMany({ where: { ...scope, status: 'final' }, orderBy: { createdAt: 'asc' } });
    return { kind: 'allergy', patient, allergies: await allergyInputs(c, clinicId, rows) };
  }
  if (unit.kind !== 'lab-report') return null;
  const rows = await c.labResult.findMany({ where: { ...scope, reportId: unit.reportKey }, orderBy: [{ itemKey: 'asc' }, { createdAt: 'asc' }] });
  return { kind: 'lab-report', patient, reportKey: unit.reportKey, results: await labResultInputs(c, clinicId, rows) };
}

/**
 * The inputs of many units of one clinic in a fixed number of queries (the delivery of a claimed batch): the same
 * inputs loadUnitInput gives one by one — the same rows in the same order, departments, encounters, doctors and
 * first-recorded times resolved over the batch at once — keyed by the unit's position; null where loadUnitInput
 * gives null.
 */
export async function loadUnitInputs(c: Client, clinicId: string, units: readonly UnitRef[]): Promise<(FhirUnitInput | null)[]> {
  if (!units.length) return [];
  const patientIds = [...new Set(units.map((u) => u.patientId))];
  const patientRows = await c.patient.findMany({ where: { clinicId, id: { in: patientIds }, deletedAt: null } });
  const patientInputList = await patientInputs(c, clinicId, patientRows);
  const patients = new Map(patientInputList.map((p) => [p.id, p]));
  const want = (kind: UnitRef['kind']) => [...new Set(units.filter((u) => u.kind === kind && patients.has(u.patientId)).map((u) => u.patientId))];
  const scope = (ids: string[]) => ({ clinicId, patientId: { in: ids }, isLatest: true });
  const dxPatients = want('condition');
  const allergyPatients = want('allergy');
  const labUnits = units.filter((u): u is Extract<UnitRef, { kind: 'lab-report' }> => u.kind === 'lab-report' && patients.has(u.patientId));
  const [dxRows, allergyRows, labRows] = await Promise.all([
    dxPatients.length ? c.diagnosis.findMany({ where: { ...scope(dxPatients), status: 'final' }, orderBy: [{ startDate: 'asc' }, { createdAt: 'asc' }] }) : [],
    allergyPatients.length ? c.allergy.findMany({ where: { ...scope(allergyPatients), status: 'final' }, orderBy: { createdAt: 'asc' } }) : [],
    labUnits.length
      ? c.labResult.findMany({ where: { ...scope([...new Set(labUnits.map((u) => u.patientId))]), reportId: { in: [...new Set(labUnits.map((u) => u.reportKey))] } }, orderBy: [{ itemKey: 'asc' }, { createdAt: 'asc' }] })
      : [],
  ]);
  // the inputs of all rows at once (one context), then each unit's in the rows' order
  const [dxInputs, allergyInputList, labInputs] = [await diagnosisInputs(c, clinicId, dxRows), await allergyInputs(c, clinicId, allergyRows), await labResultInputs(c, clinicId, labRows)];
  const grouped = <R, I>(rows: readonly R[], inputs: readonly I[], key: (r: R) => string) => {
    const by = new Map<string, I[]>();
    rows.forEach((r, i) => {
      const list = by.get(key(r));
      if (list) list.push(inputs[i]!);
      else by.set(key(r), [inputs[i]!]);
    });
    return by;
  };
  const dxBy = grouped(dxRows, dxInputs, (r) => r.patientId);
  const allergyBy = grouped(allergyRows, allergyInputList, (r) => r.patientId);
  const labBy = grouped(labRows, labInputs, (r) => `${r.patientId}|${r.reportId}`);
  return units.map((unit): FhirUnitInput | null => {
    const patient = patients.get(unit.patientId);
    if (!patient) return null;
    if (unit.kind !== 'lab-report') {
      return unit.kind === 'condition' ? { kind: 'condition', patient, diagnoses: dxBy.get(unit.patientId) ?? [] } : { kind: 'allergy', patient, allergies: allergyBy.get(unit.patientId) ?? [] };
    }
    return { kind: 'lab-report', patient, reportKey: unit.reportKey, results: labBy.get(`${unit.patientId}|${unit.reportKey}`) ?? [] };
  });
}

/** Every unit the clinic has records for (for the export and the first send of a clinic). */
export async function listClinicUnits(c: Client, clinicId: string): Promise<UnitRef[]> {
  const diagnosed = await c.diagnosis.findMany({ where: { clinicId, isLatest: true }, distinct: ['patientId'], select: { patientId: true } });
  const allergic = await c.allergy.findMany({ where: { clinicId, isLatest: true }, distinct: ['patientId'], select: { patientId: true } });
  const labs = await c.labResult.findMany({ where: { clinicId, isLatest: true }, distinct: ['patientId', 'reportId'], select: { patientId: true, reportId: true } });
  const reports = new Map<string, UnitRef>();
  for (const l of labs) {
    const reportKey = labReportKey(l);
    reports.set(`${l.patientId}|${reportKey}`, { kind: 'lab-report', patientId: l.patientId, reportKey });
  }
  return [
    ...diagnosed.map((d) => ({ kind: 'condition' as const, patientId: d.patientId })),
    ...allergic.map((a) => ({ kind: 'allergy' as const, patientId: a.patientId })),
    ...[...reports.values()],
  ];
}

/** Every unit one patient has records for (the pre-send preview). */
export async function listPatientUnits(c: Client, clinicId: string, patientId: string): Promise<UnitRef[]> {
  const scope = { clinicId, patientId, isLatest: true };
  const units: UnitRef[] = [];
  if ((await c.diagnosis.count({ where: scope })) > 0) units.push({ kind: 'condition', patientId });
  if ((await c.allergy.count({ where: scope })) > 0) units.push({ kind: 'allergy', patientId });
  const labs = await c.labResult.findMany({ where: scope, distinct: ['reportId'], select: { reportId: true }, orderBy: { reportId: 'asc' } });
  for (const l of labs) units.push({ kind: 'lab-report', patientId, reportKey: labReportKey(l) });
  return units;
}

/**
 * The records a 診療情報提供書 lists, as they stood when it was 確定d (`asOf`): for each diagnosis and allergy lineage
 * the final version current at that moment, the lab results by version id, grouped into their reports.
 */
export async function loadReferralRecordInputs(
  c: Client,
  clinicId: string,
  patientId: string,
  chosen: { diagnosisLineageIds: readonly string[]; allergyLineageIds: readonly string[]; labResultIds: readonly string[]; asOf: Date },
): Promise<{ diagnoses: FhirDiagnosisInput[]; allergies: FhirAllergyInput[]; labReports: { reportKey: string; results: FhirLabResultInput[] }[] }> {
  const asOf = { clinicId, patientId, status: 'final', createdAt: { lte: chosen.asOf }, OR: [{ supersededAt: null }, { supersededAt: { gt: chosen.asOf } }] };
  const [dx, al, labs] = await Promise.all([
    chosen.diagnosisLineageIds.length ? c.diagnosis.findMany({ where: { ...asOf, lineageId: { in: [...chosen.diagnosisLineageIds] } } }) : [],
    chosen.allergyLineageIds.length ? c.allergy.findMany({ where: { ...asOf, lineageId: { in: [...chosen.allergyLineageIds] } } }) : [],
    chosen.labResultIds.length ? c.labResult.findMany({ where: { clinicId, patientId, id: { in: [...chosen.labResultIds] } }, orderBy: [{ itemKey: 'asc' }] }) : [],
  ]);
  const order = <T extends { lineageId: string }>(rows: T[], ids: readonly string[]) => [...rows].sort((a, b) => ids.indexOf(a.lineageId) - ids.indexOf(b.lineageId));
  const labInputs = await labResultInputs(c, clinicId, labs);
  const reports = new Map<string, FhirLabResultInput[]>();
  labs.forEach((row, i) => reports.set(labReportKey(row), [...(reports.get(labReportKey(row)) ?? []), labInputs[i]!]));
  return {
    diagnoses: await diagnosisInputs(c, clinicId, order(dx, chosen.diagnosisLineageIds)),
    allergies: await allergyInputs(c, clinicId, order(al, chosen.allergyLineageIds)),
    labReports: [...reports.entries()].map(([reportKey, results]) => ({ reportKey, results })),
  };
}

/**
 * One drug line of a prescription version as the MedicationRequest mapping takes it: the one row→input step of the
 * vendor API's MedicationRequest and of the documents' 処方 entries (430 投薬指示, 444 退院時投薬指示).
 */
export function medicationInputOf(p: Prescription, item: PrescriptionItem, author: { id: string; displayName: string; licenseNumber: string | null; licenseType: string | null } | null | undefined): FhirMedicationInput {
  return {
    ...item,
    dose: item.dose.toString(),
    lineageId: p.lineageId,
    version: p.version,
    status: p.status,
    updatedAt: p.createdAt,
    issuedDate: p.issuedDate,
    outOfHouse: p.outOfHouse,
    refillTimes: p.refillTimes,
    visitId: p.visitId,
    author: author ? { id: author.id, name: author.displayName, licenseNumber: author.licenseNumber, licenseType: author.licenseType } : null,
  };
}

/**
 * The drug lines of the chosen prescription versions (ids of versions: a version never changes), in the order chosen
 * and by Rp and position within each; only 確定 ones of the patient.
 */
export async function loadMedicationInputs(c: Client, clinicId: string, patientId: string, prescriptionIds: readonly string[]): Promise<FhirMedicationInput[]> {
  if (!prescriptionIds.length) return [];
  const rows = await c.prescription.findMany({
    where: { clinicId, patientId, status: 'final', id: { in: [...prescriptionIds] } },
    include: { items: { orderBy: [{ rpNumber: 'asc' }, { sortOrder: 'asc' }] } },
  });
  const authorIds = [...new Set(rows.map((r) => r.authorId))];
  const authors = await c.user.findMany({ where: { clinicId, id: { in: authorIds } }, select: { id: true, displayName: true, licenseNumber: true, licenseType: true } });
  return rows
    .sort((a, b) => prescriptionIds.indexOf(a.id) - prescriptionIds.indexOf(b.id))
    .flatMap((p) => p.items.map((item) => medicationInputOf(p, item, authors.find((u) => u.id === p.authorId))));
}
