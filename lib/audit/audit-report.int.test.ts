/** The audit report answers "who opened 患者 X's chart" (issue 13): found by 患者番号 or name, shown with 患者番号 and 氏名, in Japanese (also the CSV). */
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEventTargetLabel, auditReportQuerySchema, exportAuditCsv, getAuditReport } from './audit-report';
import { randomUUID } from 'node:crypto';
import { getPatient } from '@/lib/records/patients/patient.service';
import { listAllergiesForPatient } from '@/lib/records/allergies/allergy.service';
import { listDiagnosesForPatient } from '@/lib/records/diagnoses/diagnosis.service';
import { clinicWithStaff, createPatient } from '@/tests/helpers/factories';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;
beforeAll(async () => {
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
});

describe('audit report by patient', () => {
  it('finds the events of one patient by 患者番号 or by name, names them, and speaks Japanese in the CSV', async () => {
    const x = await createPatient(a.receptionist, { familyName: '監査', givenName: '太郎', familyNameKana: 'カンサ', givenNameKana: 'タロウ' });
    const other = await createPatient(a.receptionist, { familyName: '別人', givenName: '花子', familyNameKana: 'ベツジン', givenNameKana: 'ハナコ' });
    await getPatient(x.id, a.doctor, 'chart');
    await getPatient(other.id, a.doctor, 'chart');

    const byNumber = await getAuditReport(auditReportQuerySchema.parse({ patient: String(x.patientNumber) }), a.admin);
    expect(byNumber.rows.length).toBeGreaterThanOrEqual(2); // registration and the chart open
    expect(new Set(byNumber.rows.map((r) => r.patientId))).toEqual(new Set([x.id]));
    expect(byNumber.rows[0]).toMatchObject({ patientNumber: x.patientNumber, patientName: '監査 太郎' });

    for (const text of ['カンサ', 'かんさ たろう', '監査']) {
      const byName = await getAuditReport(auditReportQuerySchema.parse({ patient: text }), a.admin);
      expect(new Set(byName.rows.map((r) => r.patientId)), text).toEqual(new Set([x.id]));
    }
    // nobody by that name: nothing, not everything
    expect((await getAuditReport(auditReportQuerySchema.parse({ patient: '該当なし' }), a.admin)).total).toBe(0);

    const csv = await exportAuditCsv(auditReportQuerySchema.parse({ patient: String(x.patientNumber), action: 'read' }), a.admin);
    const [header, ...lines] = csv.replace('\uFEFF', '').trim().split('\r\n');
    expect(header).toBe('連番,日時(JST),職員ID,職員名,職種,患者番号,氏名,患者ID,操作,対象,対象ID,結果,IPアドレス,リクエストID');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    const cells = lines[0]!.split(',');
    expect(cells.slice(4, 7)).toEqual(['医師', String(x.patientNumber), '監査 太郎']);
    expect(cells[8]).toBe('閲覧');
    expect(cells[9]).toBe('患者情報');
    expect(cells[11]).toBe('成功');
  });

  it('shows one chart open (the reads of one request) as one event on the screen, one line per row in the CSV', async () => {
    const x = await createPatient(a.receptionist);
    const open = (requestId: string) => ({ ...a.doctor, ctx: { ...a.doctor.ctx, requestId } });
    const first = open(randomUUID());
    await getPatient(x.id, first, 'chart');
    await listDiagnosesForPatient(x.id, first);
    await listAllergiesForPatient(x.id, first);
    const second = open(randomUUID()); // the same chart opened again later: another event
    await getPatient(x.id, second, 'chart');
    await listDiagnosesForPatient(x.id, second);

    const report = await getAuditReport(auditReportQuerySchema.parse({ patientId: x.id, action: 'read' }), a.admin);
    expect(report.total).toBe(2);
    expect(report.rows.map((r) => [r.requestId, r.rowCount, r.resourceTypes])).toEqual([
      [second.ctx.requestId, 2, ['patient', 'diagnosis']],
      [first.ctx.requestId, 3, ['patient', 'diagnosis', 'allergy']],
    ]);
    expect(report.rows[1]).toMatchObject({ patientNumber: x.patientNumber, userId: a.doctor.userId, resourceId: null });
    expect(auditEventTargetLabel(report.rows[1]!.resourceTypes)).toBe('患者情報・傷病名・アレルギー');
    expect(auditEventTargetLabel(['patient', 'clinical_note', 'diagnosis'])).toBe('カルテ（患者情報・診療録・傷病名）');
    // sorted the other way, and paged, by events
    const asc = await getAuditReport(auditReportQuerySchema.parse({ patientId: x.id, action: 'read', dir: 'asc' }), a.admin);
    expect(asc.rows.map((r) => r.requestId)).toEqual([first.ctx.requestId, second.ctx.requestId]);
    // writes stay one event each, and the CSV keeps every row for the auditor
    const all = await getAuditReport(auditReportQuerySchema.parse({ patientId: x.id }), a.admin);
    expect(all.rows.filter((r) => r.action === 'create')).toHaveLength(1);
    const csv = await exportAuditCsv(auditReportQuerySchema.parse({ patientId: x.id, action: 'read' }), a.admin);
    expect(csv.replace('\uFEFF', '').trim().split('\r\n')).toHaveLength(1 + 5);
  });

  it("another clinic's patient with the same 患者番号 never shows", async () => {
    const mine = await createPatient(a.receptionist);
    const theirs = await createPatient(b.receptionist);
    await getPatient(theirs.id, b.doctor, 'chart');
    const rows = (await getAuditReport(auditReportQuerySchema.parse({ patient: String(theirs.patientNumber) }), a.admin)).rows;
    expect(rows.map((r) => r.patientId)).not.toContain(theirs.id);
    // only this clinic's patient of that number, if it has one
    expect(rows.every((r) => r.patientId === mine.id || mine.patientNumber !== theirs.patientNumber ? r.patientId !== theirs.id : true)).toBe(true);
  });
});
