/**
 * The one write path (lib/records/write-path.ts, docs/decisions/0020): nothing else writes the record tables, and
 * every write action leaves exactly its audit event (one shape) and, for the shared records, its outbox row.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { recordDiagnosis, recordDiagnosisOutcome, retractDiagnosis, reviseDiagnosis, setDiagnosisFlag } from './diagnoses/diagnosis.service';
import { recordAllergy, retractAllergy, reviseAllergy } from './allergies/allergy.service';
import { correctLabResult, importLabCsv, markLabResultEnteredInError, recordLabResults } from './lab-results/lab-result.service';
import { labEntrySchema } from './lab-results/lab-entry.schema';
import * as noteService from './notes/note.service';
import * as checkupEntryService from './notes/checkup-entry.service';
import { saveCheckupEntry } from './notes/checkup-entry.service';
import { checkIn } from '@/lib/reception/visit.service';
import * as prescriptionService from './prescriptions/prescription.service';
import * as diagnosisService from './diagnoses/diagnosis.service';
import * as allergyService from './allergies/allergy.service';
import * as labResultService from './lab-results/lab-result.service';
import * as labOrderService from './lab-orders/lab-order.service';
import * as admissionService from './admissions/admission.service';
import * as dischargeSummaryService from './documents/discharge-summary.service';
import * as checkupReportService from './documents/checkup-report.service';
import * as documentService from './documents/document.service';
import { approveNote, confirmNote, createNote, markNoteEnteredInError, updateNote } from './notes/note.service';
import { approvePrescription, confirmPrescription, markPrescriptionEnteredInError, savePrescription } from './prescriptions/prescription.service';
import type { SavePrescriptionInput } from './prescriptions/prescription.schema';
import { RECORD_KINDS, RECORD_RESOURCE_TYPES, SHARING_UNIT_OF } from './write-path';

const ROOT = process.cwd();

/** Record tables whose writes must all pass through the write path, with their Prisma delegate and repository. */
const GUARDED = [
  { delegate: 'clinicalNote', repository: 'noteRepository', writes: ['create', 'supersede', 'updateDraft', 'finalize'] },
  { delegate: 'diagnosis', repository: 'diagnosisRepository', writes: ['create', 'supersede'] },
  { delegate: 'allergy', repository: 'allergyRepository', writes: ['create', 'supersede'] },
  { delegate: 'labResult', repository: 'labResultRepository', writes: ['create', 'createMany', 'supersede'] },
  { delegate: 'labOrder', repository: 'labOrderRepository', writes: ['create', 'supersede'] },
  { delegate: 'prescription', repository: 'prescriptionRepository', writes: ['create', 'markSuperseded', 'updateDraft', 'transition', 'deleteDraft'] },
  // the items are written only with their prescription, by prescriptionRepository's create / updateDraft
  { delegate: 'prescriptionItem', repository: 'prescriptionRepository', writes: ['create', 'updateDraft'] },
  { delegate: 'clinicalDocument', repository: 'documentRepository', writes: ['create', 'supersede', 'updateDraft', 'finalize'] },
  { delegate: 'admission', repository: 'admissionRepository', writes: ['create', 'supersede'] },
] as const;

/**
 * Every exported function of the five record services, sorted into the write actions (each goes through the write
 * path and is run below) and everything else. A new export fails this test until it is placed here, so a write
 * action cannot be added without the trail test that checks it.
 */
const SERVICES = {
  note: {
    // the 健診入力 is a note of kind checkup (ADR 0086)
    module: { ...noteService, ...checkupEntryService },
    writes: ['createNote', 'updateNote', 'confirmNote', 'approveNote', 'markNoteEnteredInError', 'saveCheckupEntry'],
    other: ['toCheckupEntryDto', 'getCheckupEntryPage', 'TIMELINE_PAGE_SIZE', 'listNotesPage', 'listNotesForChart', 'getNoteHistory', 'listPendingApprovalsForDoctor', 'listDoctorsForProxy'],
  },
  prescription: {
    module: prescriptionService,
    writes: ['savePrescription', 'confirmPrescription', 'approvePrescription', 'markPrescriptionEnteredInError'],
    other: [
      'searchDrugsForPrescription', 'listUsageOptions', 'PANEL_HISTORY_LIMIT', 'getPrescriptionPanel', 'listPrescriptionHistory', 'getPrescription',
      'listPrescriptionVersions', 'prefillPrescription', 'listPendingPrescriptionsForDoctor', 'getPrescriptionForPrint',
    ],
  },
  diagnosis: {
    module: diagnosisService,
    writes: ['recordDiagnosis', 'reviseDiagnosis', 'recordDiagnosisOutcome', 'setDiagnosisFlag', 'retractDiagnosis'],
    other: ['listDiagnosesForPatient', 'listDiagnosisHistory', 'searchDiseaseMaster', 'searchModifierMaster'],
  },
  allergy: {
    module: allergyService,
    writes: ['recordAllergy', 'reviseAllergy', 'retractAllergy'],
    other: ['listAllergiesForPatient', 'listAllergyHistory', 'searchDrugMaster', 'searchDrugClassMaster', 'searchAllergenMaster'],
  },
  lab_result: {
    module: labResultService,
    writes: ['recordLabResults', 'correctLabResult', 'markLabResultEnteredInError', 'importLabCsv'],
    other: ['getLabResultHistory', 'listLatestLabs', 'getLabTrend', 'getLabTable'],
  },
  lab_order: {
    module: labOrderService,
    writes: ['orderLabs', 'cancelLabOrder', 'linkLabResultsToOrders', 'unlinkLabResultFromOrders'],
    other: ['getLabOrderPanel', 'labOrdersOfVisit'],
  },
  document: {
    // the 退院時サマリー's and 健診結果報告書's services save through document.service's writeDocumentVersion (ADR 0065)
    module: { ...documentService, ...dischargeSummaryService, ...checkupReportService },
    writes: ['saveReferral', 'saveDischargeSummary', 'saveCheckupReport', 'writeDocumentVersion', 'confirmDocument', 'cancelDocument'],
    other: [
      'documentContentHash', 'contentOf', 'loadForSave', 'pickChosen', 'diagnosisSnapshot', 'allergySnapshot', 'listable',
      'pickPrescriptions', 'prescriptionSnapshot', 'prescriptionChoice', 'withListedPrescriptions',
      'prefillReferral', 'prefillDischargeSummary', 'prefillCheckupReport', 'getDocument', 'listDocumentsForPatient', 'getDocumentForPrint',
    ],
  },
  admission: {
    module: admissionService,
    writes: ['admitPatient', 'dischargePatient', 'reviseAdmission', 'cancelAdmission'],
    other: ['getAdmissionPanel', 'getAdmissionHistory', 'admissionForSummary'],
  },
} as const;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'generated' || name === 'node_modules' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

describe('nothing bypasses the write path', () => {
  const files = ['lib', 'app', 'components', 'scripts'].flatMap((d) => sourceFiles(path.join(ROOT, d)));

  it.each(GUARDED)('Prisma writes to $delegate only in its repository', ({ delegate }) => {
    const write = new RegExp(String.raw`\.${delegate}\.(create|createMany|createManyAndReturn|update|updateMany|upsert|delete|deleteMany)\(`);
    const offenders = files.filter((f) => write.test(readFileSync(f, 'utf8')) && !f.endsWith('.repository.ts')).map((f) => path.relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  it.each(GUARDED)("$repository's write functions are called only by the write path", ({ repository, writes }) => {
    const call = new RegExp(String.raw`${repository}\.(${writes.join('|')})\(`);
    const offenders = files.filter((f) => call.test(readFileSync(f, 'utf8')) && !f.endsWith(path.join('lib', 'records', 'write-path.ts'))).map((f) => path.relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  it('covers every record kind, and every export of their services is a known write action or a known read', () => {
    expect(Object.keys(SERVICES).sort()).toEqual([...RECORD_KINDS].sort());
    for (const [kind, { module, writes, other }] of Object.entries(SERVICES)) {
      expect(Object.keys(module).sort(), kind).toEqual([...writes, ...other].sort());
    }
  });

  it('the sharing contract names every kind; notes and prescriptions queue no 6情報 send', () => {
    expect(Object.keys(SHARING_UNIT_OF).sort()).toEqual([...RECORD_KINDS].sort());
    const row = { id: 'r', lineageId: 'l', version: 1, status: 'final', patientId: 'p', reportId: 'x' };
    expect(SHARING_UNIT_OF.note(row)).toBeNull();
    expect(SHARING_UNIT_OF.prescription(row)).toBeNull();
    expect(SHARING_UNIT_OF.document(row)).toBeNull();
    expect(SHARING_UNIT_OF.lab_order(row)).toBeNull();
    expect(SHARING_UNIT_OF.admission(row)).toBeNull();
  });

  it('no raw SQL writes the record tables outside migrations', () => {
    const raw = /(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"(ClinicalNote|Diagnosis|Allergy|LabResult|LabOrder|Prescription|PrescriptionItem|ClinicalDocument|Admission)"/i;
    expect(files.filter((f) => raw.test(readFileSync(f, 'utf8'))).map((f) => path.relative(ROOT, f))).toEqual([]);
  });
});

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
beforeAll(async () => {
  await loadDemoMasters();
  a = await clinicWithStaff();
});

/** What one action left behind: its audit events on record tables and its outbox rows. */
async function trail(run: () => Promise<unknown>) {
  const since = new Date();
  await new Promise((r) => setTimeout(r, 5));
  await run();
  const events = await db().auditEvent.findMany({
    where: { clinicId: a.clinic.id, occurredAt: { gte: since }, resourceType: { in: Object.values(RECORD_RESOURCE_TYPES) } },
    orderBy: { id: 'asc' },
  });
  const outbox = await db().sharingOutbox.findMany({ where: { clinicId: a.clinic.id, createdAt: { gte: since } }, orderBy: { createdAt: 'asc' } });
  return { events, outbox };
}

const SHAPE = ['intent', 'lineageId', 'previousId', 'status', 'version'];

describe('every write action: its row, one audit event of the one shape, its outbox row, together', () => {
  it('diagnoses: create, version, 転帰, flag, 取消 each write one event and one "diagnoses" outbox row', async () => {
    const p = await createPatient(a.receptionist);
    let id = '';
    const steps: [string, () => Promise<{ id: string }>][] = [
      ['create', () => recordDiagnosis({ patientId: p.id, diseaseCode: '8833421', startDate: '2025-02-01' }, a.doctor)],
      ['version', () => reviseDiagnosis({ diagnosisId: id, diseaseCode: '8833421', startDate: '2025-02-01', note: '減塩指導', changeReason: 'メモ追加' }, a.doctor)],
      ['version', () => recordDiagnosisOutcome({ diagnosisId: id, outcome: 'cured', endDate: '2025-03-01' }, a.doctor)],
      ['flag', () => setDiagnosisFlag({ diagnosisId: id, flag: 'undelivered', value: true }, a.doctor)],
      ['cancel', () => retractDiagnosis({ diagnosisId: id, reason: '誤登録' }, a.doctor)],
    ];
    for (const [intent, step] of steps) {
      const { events, outbox } = await trail(async () => (id = (await step()).id));
      expect(events, intent).toHaveLength(1);
      expect(Object.keys(events[0]!.detail as object), intent).toEqual(expect.arrayContaining(SHAPE));
      expect(events[0]).toMatchObject({ resourceId: id, patientId: p.id, detail: { intent } });
      expect(outbox.map((o) => [o.unitKind, o.patientId, o.reason, o.recordId, o.labReportId, o.processedAt]), intent).toEqual([['diagnoses', p.id, intent, id, null, null]]);
    }
    const latest = await db().diagnosis.findFirstOrThrow({ where: { clinicId: a.clinic.id, id } });
    expect(latest).toMatchObject({ undelivered: true, status: 'entered_in_error', version: 5 });
  });

  it('allergies: create, version, 取消 each write one event and one "allergies" outbox row', async () => {
    const p = await createPatient(a.receptionist);
    let id = '';
    const steps: [string, () => Promise<{ id: string }>][] = [
      ['create', () => recordAllergy({ patientId: p.id, category: 'food', substanceName: 'そば', onsetDate: '2020-01-01' }, a.nurse)],
      ['version', () => reviseAllergy({ allergyId: id, category: 'food', substanceName: 'そば', clinicalStatus: 'resolved', endDate: '2024-05-01', changeReason: '解消' }, a.doctor)],
      ['cancel', () => retractAllergy({ allergyId: id, reason: '誤登録' }, a.doctor)],
    ];
    for (const [intent, step] of steps) {
      const { events, outbox } = await trail(async () => (id = (await step()).id));
      expect(events, intent).toHaveLength(1);
      expect(Object.keys(events[0]!.detail as object)).toEqual(expect.arrayContaining(SHAPE));
      expect(outbox.map((o) => [o.unitKind, o.patientId, o.reason, o.recordId]), intent).toEqual([['allergies', p.id, intent, id]]);
    }
    const v2 = await db().allergy.findFirstOrThrow({ where: { clinicId: a.clinic.id, patientId: p.id, version: 2 } });
    expect(v2.endDate?.toISOString().slice(0, 10)).toBe('2024-05-01');
  });

  it('lab results: one entry is one report (one outbox row for all its items); correction and 取消 name the same report', async () => {
    const p = await createPatient(a.receptionist);
    const entry = labEntrySchema.parse({ patientId: p.id, collectedAt: '2025-04-01T09:30', specimen: '血清', items: [{ itemKey: 'AST', value: '30' }, { itemKey: 'ALT', value: '25' }] });
    let saved: { id: string }[] = [];
    const created = await trail(async () => (saved = await recordLabResults(entry, a.nurse)));
    expect(created.events).toHaveLength(2);
    const rows = await db().labResult.findMany({ where: { clinicId: a.clinic.id, patientId: p.id } });
    const reportId = rows[0]!.reportId;
    expect(new Set(rows.map((r) => r.reportId))).toEqual(new Set([reportId]));
    expect(created.outbox.map((o) => [o.unitKind, o.labReportId, o.reason, o.recordId])).toEqual([['lab_report', reportId, 'create', saved[0]!.id]]);

    let v2 = { id: '' };
    const corrected = await trail(async () => (v2 = await correctLabResult({ id: saved[0]!.id, value: '31', reason: '転記ミス' }, a.nurse)));
    expect(corrected.events.map((e) => (e.detail as { intent: string }).intent)).toEqual(['version']);
    expect(corrected.outbox.map((o) => [o.unitKind, o.labReportId, o.reason, o.recordId])).toEqual([['lab_report', reportId, 'version', v2.id]]);

    const cancelled = await trail(() => markLabResultEnteredInError({ id: v2.id, reason: '別患者' }, a.nurse));
    expect(cancelled.outbox.map((o) => [o.labReportId, o.reason])).toEqual([[reportId, 'cancel']]);
  });

  it('a new diagnosis, allergy or lab entry is recorded under the writer\'s department; a doctor\'s lab entry names its ordering doctor', async () => {
    const p = await createPatient(a.receptionist);
    const dept = await db().department.create({ data: { clinicId: a.clinic.id, code: '081', name: '循環器内科' } });
    await db().user.updateMany({ where: { clinicId: a.clinic.id, id: { in: [a.doctor.userId, a.nurse.userId] } }, data: { departmentId: dept.id } });
    const d = await recordDiagnosis({ patientId: p.id, diseaseCode: '8833421', startDate: '2025-02-01' }, a.doctor);
    const al = await recordAllergy({ patientId: p.id, category: 'food', substanceName: 'えび' }, a.nurse);
    const [lab] = await recordLabResults(labEntrySchema.parse({ patientId: p.id, collectedAt: '2025-04-01T09:30', specimen: '血清', items: [{ itemKey: 'AST', value: '30' }] }), a.doctor);
    expect((await db().diagnosis.findFirstOrThrow({ where: { clinicId: a.clinic.id, id: d.id } })).departmentCode).toBe('081');
    expect((await db().allergy.findFirstOrThrow({ where: { clinicId: a.clinic.id, id: al.id } })).departmentCode).toBe('081');
    expect(await db().labResult.findFirstOrThrow({ where: { clinicId: a.clinic.id, id: lab!.id } })).toMatchObject({ departmentCode: '081', orderingDoctorId: a.doctor.userId });
  });

  it('lab orders: create, result link (version), 取消 each write one event of the shape and no outbox row', async () => {
    const p = await createPatient(a.receptionist);
    let id = '';
    const order = await trail(async () => (id = (await labOrderService.orderLabs({ patientId: p.id, itemKeys: ['AST', 'ALT'], urgent: true, comment: '空腹時' }, a.doctor)).id));
    expect(order.events.map((e) => [e.action, e.resourceType, e.resourceId, e.patientId, (e.detail as { intent: string }).intent])).toEqual([['create', 'lab_order', id, p.id, 'create']]);
    expect(Object.keys(order.events[0]!.detail as object)).toEqual(expect.arrayContaining(SHAPE));
    expect(JSON.stringify(order.events[0]!.detail)).not.toMatch(/空腹時/);
    expect(order.outbox).toEqual([]);
    const entry = labEntrySchema.parse({ patientId: p.id, collectedAt: new Date(Date.now() - 60_000).toISOString().slice(0, 16), specimen: '血清', items: [{ itemKey: 'AST', value: '30' }] });
    // the entry's own lab report row, and the order's new version (its event, no outbox row of its own)
    const linked = await trail(() => recordLabResults({ ...entry, collectedAt: new Date() }, a.nurse));
    const orderEvents = linked.events.filter((e) => e.resourceType === 'lab_order');
    expect(orderEvents.map((e) => (e.detail as { intent: string }).intent)).toEqual(['version']);
    expect(linked.outbox.map((o) => o.unitKind)).toEqual(['lab_report']);
    id = orderEvents[0]!.resourceId!;
    const cancelled = await trail(() => labOrderService.cancelLabOrder({ labOrderId: id, reason: '不要になった' }, a.doctor));
    expect(cancelled.events.map((e) => [e.action, (e.detail as { intent: string }).intent])).toEqual([['delete', 'cancel']]);
    expect(cancelled.outbox).toEqual([]);
  });

  it('admissions: 入院登録, 退院登録, 修正, 取消 each write one event of the shape and no outbox row', async () => {
    const p = await createPatient(a.receptionist);
    const reason = '肺炎の点滴加療';
    let id = '';
    const base = { admittedOn: '2025-03-01', reason, attendingDoctorId: a.doctor.userId, ward: '201号室' };
    const steps: [string, string, () => Promise<{ id: string }>][] = [
      ['create', 'create', () => admissionService.admitPatient({ patientId: p.id, ...base }, a.nurse)],
      ['version', 'update', () => admissionService.dischargePatient({ admissionId: id, dischargedOn: '2025-03-10', outcome: '1', destination: '自宅' }, a.doctor)],
      ['version', 'update', () => admissionService.reviseAdmission({ admissionId: id, ...base, dischargedOn: '2025-03-11', outcome: '1', destination: '自宅', changeReason: '退院日の誤り' }, a.doctor)],
      ['cancel', 'delete', () => admissionService.cancelAdmission({ admissionId: id, reason: '別患者' }, a.doctor)],
    ];
    for (const [intent, action, step] of steps) {
      const { events, outbox } = await trail(async () => (id = (await step()).id));
      expect(events.map((e) => [e.action, e.resourceType, e.resourceId, e.patientId]), intent).toEqual([[action, 'admission', id, p.id]]);
      expect(Object.keys(events[0]!.detail as object), intent).toEqual(expect.arrayContaining(SHAPE));
      expect(events[0]!.detail, intent).toMatchObject({ intent });
      expect(JSON.stringify(events[0]!.detail)).not.toMatch(/肺炎|201号室|自宅|退院日の誤り|別患者/);
      expect(outbox, intent).toEqual([]);
    }
  });

  it('a CSV import writes one outbox row per patient and collection (one lab report each)', async () => {
    const p1 = await createPatient(a.receptionist);
    const p2 = await createPatient(a.receptionist);
    const [n1, n2] = await Promise.all([p1, p2].map((p) => db().patient.findFirstOrThrow({ where: { clinicId: a.clinic.id, id: p.id } }).then((r) => r.patientNumber)));
    const csv = [
      '患者番号,採取日時,項目コード,項目名,結果値,単位',
      `${n1},2025-04-01 09:00,AST,AST,30,U/L`,
      `${n1},2025-04-01 09:00,ALT,ALT,25,U/L`,
      `${n1},2025-05-01 09:00,AST,AST,28,U/L`,
      `${n2},2025-04-01 09:00,AST,AST,22,U/L`,
    ].join('\n');
    const { outbox } = await trail(() => importLabCsv({ mode: 'commit', fileName: 'lab.csv', content: csv, contentEncoding: 'text' }, a.nurse));
    expect(outbox.map((o) => o.patientId).sort()).toEqual([p1.id, p1.id, p2.id].sort());
    expect(new Set(outbox.map((o) => o.labReportId)).size).toBe(3);
  });
  it('notes: create, draft edit, 確定, new version, 代行入力, 承認, 取消 each write one event of the shape and no outbox row', async () => {
    const p = await createPatient(a.receptionist);
    const noVitals = { heightCm: null, weightKg: null, systolicBp: null, diastolicBp: null, pulse: null, bodyTempC: null, spo2: null };
    const soap = { subjective: '咽頭痛', objective: '', assessment: '', plan: '', ...noVitals };
    let id = '';
    const steps: [string, string, () => Promise<{ id: string }>][] = [
      ['create', 'create', () => createNote({ patientId: p.id, ...soap }, a.doctor)],
      ['draft', 'update', () => updateNote({ noteId: id, ...soap, plan: '経過観察' }, a.doctor)],
      ['confirm', 'confirm', () => confirmNote({ noteId: id }, a.doctor)],
      ['version', 'update', () => updateNote({ noteId: id, ...soap, plan: '再診', changeReason: '追記' }, a.doctor)],
      ['confirm', 'confirm', () => confirmNote({ noteId: id }, a.doctor)],
      ['version', 'update', () => updateNote({ noteId: id, ...soap, plan: '看護師の追記', changeReason: '追記', authorId: a.doctor.userId }, a.nurse)],
      ['approve', 'approve', () => approveNote({ noteId: id }, a.doctor)],
      ['cancel', 'delete', () => markNoteEnteredInError({ noteId: id, reason: '別患者' }, a.doctor)],
    ];
    for (const [intent, action, step] of steps) {
      const { events, outbox } = await trail(async () => (id = (await step()).id));
      expect(events.map((e) => [e.action, e.resourceType, e.resourceId, e.patientId]), intent).toEqual([[action, 'clinical_note', id, p.id]]);
      expect(Object.keys(events[0]!.detail as object), intent).toEqual(expect.arrayContaining(SHAPE));
      expect(events[0]!.detail, intent).toMatchObject({ intent });
      expect(JSON.stringify(events[0]!.detail)).not.toMatch(/咽頭|経過観察|再診|追記/);
      expect(outbox, intent).toEqual([]);
    }
    const created = await trail(() => createNote({ patientId: p.id, ...soap, authorId: a.doctor.userId }, a.nurse));
    expect(created.events[0]!.detail).toMatchObject({ intent: 'create', status: 'pending_approval', proxyFor: a.doctor.userId, previousId: null });
  });

  it('健診入力: the first entry and a correction each write their version and its 確定, of the shape, and no outbox row', async () => {
    const p = await createPatient(a.receptionist);
    await checkIn({ patientId: p.id, visitType: 'checkup' }, a.receptionist);
    const entry = { patientId: p.id, values: { height: '160.0', weight: '55.0' }, questionnaire: { smoking: '3' as const } };
    let id = '';
    const steps: [string, string[], () => Promise<{ id: string }>][] = [
      ['create', ['create', 'confirm'], () => saveCheckupEntry(entry, a.nurse)],
      ['version', ['update', 'confirm'], () => saveCheckupEntry({ ...entry, values: { height: '160.0', weight: '55.5' }, noteId: id, changeReason: '再測定' }, a.nurse)],
    ];
    for (const [intent, actions, step] of steps) {
      const { events, outbox } = await trail(async () => (id = (await step()).id));
      expect(events.map((e) => [e.action, e.resourceType, e.resourceId, e.patientId]), intent).toEqual(actions.map((action) => [action, 'clinical_note', id, p.id]));
      for (const e of events) expect(Object.keys(e.detail as object), intent).toEqual(expect.arrayContaining(SHAPE));
      expect(events[0]!.detail, intent).toMatchObject({ intent, checkup: true });
      expect(JSON.stringify(events.map((e) => e.detail))).not.toMatch(/55\.5|再測定/);
      expect(outbox, intent).toEqual([]);
    }
  });

  it('documents: create, draft edit, 確定, new version, 取消 each write one event of the shape and no 6情報 outbox row', async () => {
    const p = await createPatient(a.receptionist);
    const letter = { patientId: p.id, destination: { institutionId: null, name: '市立病院', department: '内科', doctor: '' }, purpose: '精査依頼' };
    let id = '';
    const steps: [string, string, () => Promise<{ id: string }>][] = [
      ['create', 'create', () => documentService.saveReferral(letter, a.doctor)],
      ['draft', 'update', () => documentService.saveReferral({ ...letter, documentId: id, remarks: '追記' }, a.doctor)],
      ['confirm', 'confirm', () => documentService.confirmDocument({ documentId: id }, a.doctor)],
      ['version', 'update', () => documentService.saveReferral({ ...letter, documentId: id, changeReason: '追記' }, a.doctor)],
      ['cancel', 'delete', () => documentService.cancelDocument({ documentId: id, reason: '作成誤り' }, a.doctor)],
    ];
    for (const [intent, action, step] of steps) {
      const { events, outbox } = await trail(async () => (id = (await step()).id));
      expect(events.map((e) => [e.action, e.resourceType, e.resourceId, e.patientId]), intent).toEqual([[action, 'clinical_document', id, p.id]]);
      expect(Object.keys(events[0]!.detail as object), intent).toEqual(expect.arrayContaining(SHAPE));
      expect(events[0]!.detail, intent).toMatchObject({ intent });
      expect(JSON.stringify(events[0]!.detail)).not.toMatch(/精査依頼|追記|市立病院/);
      expect(outbox, intent).toEqual([]);
    }
  });

  it('prescriptions: create, draft edit, 確定, 代行入力, 承認, new version, 取消 and discard each write their events and no outbox row', async () => {
    const p = await createPatient(a.receptionist);
    const rx = (over: Partial<SavePrescriptionInput> = {}): SavePrescriptionInput => ({
      patientId: p.id,
      intent: 'draft',
      outOfHouse: true,
      duplicateAcknowledged: true,
      items: [{ rpNumber: 1, kind: 'internal', receiptCode: '620452801', prescribeByGeneric: false, drugName: '', dose: 3, doseUnit: '錠', doseBasis: 'per_day', usageCode: '1013044400000000', usageText: '', days: 7, genericSubstitutionAllowed: true }],
      ...over,
    });
    let id = '';
    let previous = '';
    const steps: [string[], () => Promise<{ id: string } | null>][] = [
      [['create'], () => savePrescription(rx(), a.doctor)],
      [['draft'], () => savePrescription(rx({ prescriptionId: id, note: '食後' }), a.doctor)],
      [['draft', 'confirm'], () => savePrescription(rx({ prescriptionId: id, intent: 'confirm' }), a.doctor)],
      [['version'], () => savePrescription(rx({ prescriptionId: id, intent: 'confirm', changeReason: '日数変更' }), a.doctor)],
      [['cancel'], () => markPrescriptionEnteredInError({ prescriptionId: id, reason: '入力誤り' }, a.doctor)],
      [['create'], () => savePrescription(rx({ responsibleDoctorId: a.doctor.userId }), a.nurse)],
      [['version'], () => savePrescription(rx({ prescriptionId: id, responsibleDoctorId: a.doctor.userId, note: '看護師修正' }), a.nurse)],
      [['approve'], () => approvePrescription({ prescriptionId: id, duplicateAcknowledged: true }, a.doctor)],
      [['create'], () => savePrescription(rx(), a.doctor)],
      [['confirm'], () => confirmPrescription({ prescriptionId: id, duplicateAcknowledged: true }, a.doctor)],
      [['confirm'], () => savePrescription(rx({ intent: 'confirm' }), a.doctor)],
      [['create'], () => savePrescription(rx({ responsibleDoctorId: a.doctor.userId }), a.nurse)],
      [['approve'], () => savePrescription(rx({ prescriptionId: id, intent: 'confirm', note: '医師が修正して承認' }), a.doctor)],
      [['create'], () => savePrescription(rx(), a.doctor)],
      [['discard'], () => markPrescriptionEnteredInError({ prescriptionId: id, reason: '不要' }, a.doctor)],
    ];
    for (const [intents, step] of steps) {
      previous = id;
      const { events, outbox } = await trail(async () => (id = (await step())?.id ?? previous));
      expect(events.map((e) => (e.detail as { intent: string }).intent), intents.join()).toEqual(intents);
      for (const e of events) {
        expect(Object.keys(e.detail as object), intents.join()).toEqual(expect.arrayContaining(SHAPE));
        expect(e).toMatchObject({ resourceType: 'prescription', patientId: p.id });
      }
      expect(outbox, intents.join()).toEqual([]);
    }
  });
});
