/**
 * 健康診断結果報告書 (特定健診, issue 11, ADR 0066): prefilled from the clinic's lab results, saved, 確定 freezes it,
 * it prints, it becomes a valid JP_Bundle_eCheckupGeneral, and it is sent through the document sharing unit to the
 * sandbox over real HTTP (registered under its own identifier with no addressee).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { drainJobs } from '@/lib/jobs/job-worker';
import { recordLabResults } from '@/lib/records/lab-results/lab-result.service';
import { labEntrySchema } from '@/lib/records/lab-results/lab-entry.schema';
import { deliverUnit } from '@/lib/sharing/deliver-unit.service';
import { DELIVER_QUEUE } from '@/lib/sharing/sharing.constants';
import { findDocumentUnit } from '@/lib/sharing/sharing-unit.repository';
import { clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { documentSharingSetup } from '@/tests/helpers/documents';
import { confirmDocument, getDocumentForPrint } from './document.service';
import { prefillCheckupReport, saveCheckupReport } from './checkup-report.service';
import { getDocumentFhir } from './document-fhir.service';
import { sendDocument } from './document-send.service';
import { asCheckupReport } from './document.dto';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let sandbox: Awaited<ReturnType<typeof documentSharingSetup>>['sandbox'];
let service: Awaited<ReturnType<typeof documentSharingSetup>>['service'];
let a: Staff;
let b: Staff;

beforeAll(async () => {
  ({ sandbox, service, a, b } = await documentSharingSetup());
});
afterAll(async () => {
  await sandbox?.close();
});

const expectCode = async (p: Promise<unknown>, code: string) => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
};
const deliver = (clinicId: string) => drainJobs({ queues: { [DELIVER_QUEUE]: async (job) => void (await deliverUnit(job, { service })) }, clinicIds: [clinicId] });

describe('健康診断結果報告書', () => {
  it('prefills lab items from the clinic results, 確定 needs the date, a value and the judgment, then freezes; prints; valid FHIR; sent over HTTP', async () => {
    const p = await createPatient(a.receptionist, { address: '東京都新宿区西新宿2-8-1' });
    await recordLabResults(labEntrySchema.parse({ patientId: p.id, collectedAt: '2026-04-05T09:30', specimen: '全血', items: [{ itemKey: 'HbA1c', value: '5.6' }, { itemKey: 'AST', value: '30' }] }), a.doctor);
    const pre = await prefillCheckupReport(p.id, a.doctor);
    expect(pre.values).toMatchObject({ hba1c: '5.6', ast: '30' });
    await expectCode(prefillCheckupReport(p.id, a.nurse), 'FORBIDDEN');

    expect((await expectCode(saveCheckupReport({ patientId: p.id, values: { height: '999' } }, a.doctor), 'INVALID_INPUT')).message).toBeTruthy();
    const draft = await saveCheckupReport({ patientId: p.id, examDate: '2026-04-05', values: { ...pre.values, height: '１６２．３' } }, a.doctor);
    expect(draft.content.values.height).toBe('162.3');
    const refused = await expectCode(confirmDocument({ documentId: draft.id }, a.doctor), 'INVALID_INPUT');
    expect(Object.values(refused.fieldErrors ?? {})).toContain('医師の判断を入力してください。');
    const full = await saveCheckupReport(
      { patientId: p.id, documentId: draft.id, examDate: '2026-04-05', values: { ...pre.values, height: '162.3', systolic: '128' }, urineGlucose: '1', urineProtein: '2', metabolic: '3', overallJudgment: 'A 異常なし', doctorComment: '特記すべき異常はありません。' },
      a.doctor,
    );
    const final = asCheckupReport(await confirmDocument({ documentId: full.id }, a.doctor));
    expect(final).toMatchObject({ status: 'final', hashVerified: true, version: 1 });
    await expect(db().clinicalDocument.updateMany({ where: { clinicId: a.clinic.id, id: final.id }, data: { content: { ...final.content, doctorComment: '改ざん' } } })).rejects.toThrow();
    await expectCode(saveCheckupReport({ patientId: p.id, documentId: final.id, examDate: '2026-04-05', doctorComment: 'x' }, a.doctor), 'INVALID_INPUT');
    await expectCode(saveCheckupReport({ patientId: p.id, documentId: final.id, doctorComment: 'x', changeReason: 'x' }, b.doctor), 'NOT_FOUND');

    const printed = await getDocumentForPrint({ patientId: p.id, lineageId: final.lineageId }, a.doctor);
    expect(printed.document).toMatchObject({ kind: 'checkup_report', status: 'final' });

    const fhir = await getDocumentFhir({ patientId: p.id, lineageId: final.lineageId }, a.doctor);
    expect(fhir.issues).toEqual([]);
    const bundle = JSON.parse(fhir.json) as { entry: { resource: { resourceType: string; code?: { coding: { code: string }[] } } }[] };
    expect(bundle.entry.filter((e) => e.resource.resourceType === 'Observation').map((e) => e.resource.code!.coding[0]!.code)).toEqual([
      '9N001000000000001', '9A751000000000001', '3B035000002327201', '3D046000001906202', '1A020000000191111', '1A010000000191111', '9N501000000000011', '9N511000000000049',
    ]);

    await sendDocument({ documentId: final.id }, a.doctor);
    await deliver(a.clinic.id);
    const unit = (await findDocumentUnit(a.clinic.id, p.id, final.lineageId))!;
    expect(unit).toMatchObject({ state: 'sent', removed: false });
    expect(unit.identifier).toMatch(new RegExp(`^${a.clinic.institutionNumber}\\^\\d{4}\\^C[0-9a-f]{32}$`));
    expect(sandbox.store.documentStatus(unit.identifier!)).toMatchObject({ held: true, version: 1 });
    expect(sandbox.store.documents.get(unit.identifier!)!.addressee).toBeNull();
  });
});
