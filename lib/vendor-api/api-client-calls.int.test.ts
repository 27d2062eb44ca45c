/**
 * 利用履歴: the clinic admin sees one app's API calls from the audit trail — time, 操作, resource type, the patient's
 * 患者番号 and 氏名, the outcome — filtered by period, and as CSV; only that app's calls, only in the admin's clinic;
 * looking is audited (a read; the CSV an export).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { formatInTimeZone } from '@/lib/core/tz';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { get, register, token, type App } from '@/tests/helpers/vendor-app';
import { exportApiClientCallsCsv, listApiClientCalls } from './api-client-calls.service';

let staff: Awaited<ReturnType<typeof clinicWithStaff>>;
let other: Awaited<ReturnType<typeof clinicWithStaff>>;
let app: App;
let quiet: App;
let patient: Awaited<ReturnType<typeof createPatient>>;

beforeAll(async () => {
  staff = await clinicWithStaff();
  other = await clinicWithStaff();
  app = await register(staff, ['system/Patient.rs']);
  quiet = await register(staff, ['system/Patient.rs']);
  patient = await createPatient(staff.receptionist, { familyName: '履歴', givenName: '花子' });
  const t = await token(app, 'system/Patient.rs');
  expect((await get(`Patient/${patient.id}`, t)).status).toBe(200);
  expect((await get(`Patient?_id=${patient.id}`, t)).status).toBe(200);
  expect((await get(`Condition?patient=${patient.id}`, t)).status).toBe(403);
  // the other app's calls are not this app's
  expect((await get(`Patient/${patient.id}`, await token(quiet, 'system/Patient.rs'))).status).toBe(200);
}, 120_000);

describe('an app\'s 利用履歴', () => {
  it('lists the app\'s calls newest first with 操作, resource, 患者番号・氏名 and outcome in Japanese; audited as a read', async () => {
    const mark = await auditMark(staff.clinic.id);
    const { appName, calls, more } = await listApiClientCalls({ clientId: app.clientId }, staff.admin);
    expect(appName).toMatch(/^検査システム/);
    expect(more).toBe(false);
    expect(calls.map((c) => [c.interaction, c.resourceType, c.outcomeLabel])).toEqual([
      ['権限なし', '傷病名（Condition）', '拒否'],
      ['検索', '患者（Patient）', '成功'],
      ['読み取り', '患者（Patient）', '成功'],
      ['トークン発行', '外部連携のトークン', '成功'],
    ]);
    expect(calls[1]).toMatchObject({ patientNumber: patient.patientNumber, patientName: '履歴 花子', patientCount: 1 });
    expect(calls[2]).toMatchObject({ patientNumber: patient.patientNumber, patientName: '履歴 花子', resourceId: patient.id });
    const events = await auditEventsFor(staff.clinic.id, { action: 'read', resourceType: 'api_client_calls' }, mark);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ userId: staff.admin.userId, resourceId: app.clientId });
  });

  it('filters by JST calendar days (both ends included) and refuses a period that ends before it starts', async () => {
    const { calls } = await listApiClientCalls({ clientId: app.clientId }, staff.admin);
    const day = formatInTimeZone(new Date(calls.at(-1)!.occurredAt), 'yyyy-MM-dd');
    const lastDay = formatInTimeZone(new Date(calls[0]!.occurredAt), 'yyyy-MM-dd');
    expect((await listApiClientCalls({ clientId: app.clientId, from: day, to: lastDay }, staff.admin)).calls).toHaveLength(4);
    expect((await listApiClientCalls({ clientId: app.clientId, from: '2020-01-01', to: '2020-01-31' }, staff.admin)).calls).toEqual([]);
    await expect(listApiClientCalls({ clientId: app.clientId, from: '2020-02-01', to: '2020-01-31' }, staff.admin)).rejects.toThrow();
    await expect(listApiClientCalls({ clientId: app.clientId, from: '2020-13-01' }, staff.admin)).rejects.toThrow();
  });

  it('only the clinic\'s admin, and only the clinic\'s apps', async () => {
    await expect(listApiClientCalls({ clientId: app.clientId }, staff.doctor)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(listApiClientCalls({ clientId: app.clientId }, other.admin)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(exportApiClientCallsCsv({ clientId: app.clientId }, other.admin)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const theirs = await listApiClientCalls({ clientId: quiet.clientId }, staff.admin);
    expect(theirs.calls.map((c) => c.interaction)).toEqual(['読み取り', 'トークン発行']);
  });

  it('exports the same list as CSV with a Japanese header (BOM, CRLF), audited as an export', async () => {
    const mark = await auditMark(staff.clinic.id);
    const csv = await exportApiClientCallsCsv({ clientId: app.clientId }, staff.admin);
    expect(csv.startsWith('\uFEFF日時(JST),アプリ,操作,リソース,リソースID,患者番号,氏名,患者数,結果\r\n')).toBe(true);
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[3]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,検査システム [^,]+,読み取り,患者（Patient）,${patient.id},${patient.patientNumber},履歴 花子,1,成功$`));
    expect(await auditEventsFor(staff.clinic.id, { action: 'export', resourceType: 'api_client_calls' }, mark)).toHaveLength(1);
  });
});
