/**
 * FHIR Bulk Data $export end to end over real Requests, the real job queue and a real database: kick-off (202 +
 * Content-Location), polling (202 + X-Progress, then the manifest), NDJSON files fetched once with the app's token,
 * _type/_since, scopes, cancel, and isolation: another app or clinic sees the same 404 as an id that never existed.
 */
import type { OperationOutcome, Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { drainJobs } from '@/lib/jobs/job-worker';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { recordAllergy } from '@/lib/records/allergies/allergy.service';
import { recordDiagnosis } from '@/lib/records/diagnoses/diagnosis.service';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { BASE, call, get, register, token, type App } from '@/tests/helpers/vendor-app';
import { EXPORT_QUEUE } from './bulk-export.constants';
import { runExportJob } from './bulk-export.service';

let staff: Awaited<ReturnType<typeof clinicWithStaff>>;
let other: Awaited<ReturnType<typeof clinicWithStaff>>;
let app: App;
let otherApp: App;
let foreignApp: App;
let patientIds: string[];

const ASYNC = { prefer: 'respond-async', accept: 'application/fhir+json' };
const auth = (t: string, extra: Record<string, string> = {}) => ({ headers: { authorization: `Bearer ${t}`, ...extra } });
const statusPath = (res: Response) => res.headers.get('content-location')!.slice(BASE.length + 1);
/** The worker, for this file's clinics only. */
const runJobs = () => drainJobs({ queues: { [EXPORT_QUEUE]: runExportJob }, clinicIds: [staff.clinic.id, other.clinic.id] });

type Manifest = { transactionTime: string; request: string; requiresAccessToken: boolean; output: { type: string; url: string; count: number }[] };

async function finishedManifest(accessToken: string, kickOff: Response): Promise<Manifest> {
  expect(kickOff.status, await kickOff.clone().text()).toBe(202);
  const path = statusPath(kickOff);
  const before = await get(path, accessToken);
  expect(before.status).toBe(202);
  expect(before.headers.get('x-progress')).toBe('queued');
  await runJobs();
  const done = await get(path, accessToken);
  expect(done.status).toBe(200);
  return (await done.json()) as Manifest;
}

async function fetchFile(url: string, accessToken: string): Promise<Resource[]> {
  const res = await get(url.slice(BASE.length + 1), accessToken);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/fhir+ndjson');
  const text = await res.text();
  expect(text.endsWith('\n')).toBe(true);
  return text.trim().split('\n').map((line) => JSON.parse(line) as Resource);
}

beforeAll(async () => {
  await loadDemoMasters();
  staff = await clinicWithStaff();
  other = await clinicWithStaff();
  app = await register(staff, ['system/Patient.rs', 'system/Condition.rs', 'system/AllergyIntolerance.rs', 'system/Observation.rs']);
  otherApp = await register(staff, ['system/Patient.rs', 'system/Condition.rs']);
  foreignApp = await register(other, ['system/Patient.rs', 'system/Condition.rs']);
  patientIds = [];
  for (const name of ['一', '二', '三']) {
    const p = await createPatient(staff.doctor, { familyName: `輸出${name}` });
    patientIds.push(p.id);
    await recordDiagnosis({ patientId: p.id, freeText: '本態性高血圧症', startDate: '2025-04-01' }, staff.doctor);
  }
  await recordAllergy({ patientId: patientIds[0]!, category: 'food', substanceName: 'そば', onsetDate: '2020-01-01' }, staff.doctor);
  // the other clinic has a patient and a diagnosis too: none of it may appear in this clinic's export
  const foreign = await createPatient(other.doctor, { familyName: '他院' });
  await recordDiagnosis({ patientId: foreign.id, freeText: '気管支喘息', startDate: '2024-01-01' }, other.doctor);
}, 300_000);

describe('Bulk Data $export', () => {
  it('kicks off, reports progress, and serves one NDJSON file per type of this clinic only, each fetched once and audited', async () => {
    const t = await token(app, 'system/Patient.rs system/Condition.rs system/AllergyIntolerance.rs system/Observation.rs');
    const mark = await auditMark(staff.clinic.id);
    const kickOff = await call('$export?_type=Patient,Condition,AllergyIntolerance', auth(t, ASYNC));
    expect(kickOff.headers.get('content-location')).toMatch(new RegExp(`^${BASE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\$export-status/[0-9a-f-]{36}$`));
    const manifest = await finishedManifest(t, kickOff);
    expect(manifest).toMatchObject({ requiresAccessToken: true, request: expect.stringContaining('$export?_type=Patient,Condition,AllergyIntolerance') });
    expect(manifest.output.map((o) => [o.type, o.count])).toEqual([
      ['Patient', 3],
      ['Condition', 3],
      ['AllergyIntolerance', 1],
    ]);

    const patients = await fetchFile(manifest.output[0]!.url, t);
    expect(patients.map((p) => p.id).sort()).toEqual([...patientIds].sort());
    const conditions = (await fetchFile(manifest.output[1]!.url, t)) as { resourceType: string; subject: { reference: string } }[];
    expect(conditions.every((c) => c.resourceType === 'Condition' && patientIds.includes(c.subject.reference.slice('Patient/'.length)))).toBe(true);
    // fetched once: the file is gone
    const again = await get(manifest.output[0]!.url.slice(BASE.length + 1), t);
    expect(again.status).toBe(404);
    expect(((await again.json()) as OperationOutcome).issue[0]!.code).toBe('not-found');

    const exports = await auditEventsFor(staff.clinic.id, { action: 'export', resourceType: 'bulk_export' }, mark);
    expect(exports).toHaveLength(1);
    const reads = await auditEventsFor(staff.clinic.id, { action: 'read', resourceType: 'bulk_export' }, mark);
    expect(reads).toHaveLength(2);
    for (const e of [...exports, ...reads]) expect(e).toMatchObject({ userId: app.clientId, userRole: 'api_client' });
    expect(JSON.stringify(reads.map((e) => e.detail))).toContain(patientIds[0]!);
  });

  it('Patient/$export with _since leaves out what did not change since', async () => {
    const t = await token(app, 'system/Patient.rs system/Condition.rs');
    // the boundary by the database's own clock: just after the newest diagnosis this clinic has so far
    const newest = await db().diagnosis.aggregate({ where: { clinicId: staff.clinic.id }, _max: { createdAt: true } });
    const since = new Date(newest._max.createdAt!.getTime() + 1);
    await new Promise((r) => setTimeout(r, 20));
    await recordDiagnosis({ patientId: patientIds[1]!, freeText: '脂質異常症', startDate: '2026-11-01' }, staff.doctor);
    const manifest = await finishedManifest(t, await call(`Patient/$export?_type=Condition&_since=${encodeURIComponent(since.toISOString())}`, auth(t, ASYNC)));
    expect(manifest.output.map((o) => [o.type, o.count])).toEqual([['Condition', 1]]);
    const [condition] = (await fetchFile(manifest.output[0]!.url, t)) as { subject: { reference: string } }[];
    expect(condition!.subject.reference).toBe(`Patient/${patientIds[1]}`);
  });

  it('refuses what the IG refuses: no Prefer header, unknown parameters, types outside the scopes; one export at a time', async () => {
    const t = await token(otherApp, 'system/Patient.rs system/Condition.rs');
    const noPrefer = await call('$export', auth(t, { accept: 'application/fhir+json' }));
    expect(noPrefer.status).toBe(400);
    expect(((await noPrefer.json()) as OperationOutcome).issue[0]!.details!.text).toContain('respond-async');
    expect((await call('$export?_typeFilter=Patient%3Fgender%3Dmale', auth(t, ASYNC))).status).toBe(400);
    expect((await call('$export?_since=2026-01-01', auth(t, ASYNC))).status).toBe(400);
    expect((await call('$export?_outputFormat=text/csv', auth(t, ASYNC))).status).toBe(400);
    expect((await call('$export?_type=Observation', auth(t, ASYNC))).status).toBe(403);
    expect((await call('$export')).status).toBe(401);

    const first = await call('$export', auth(t, ASYNC));
    expect(first.status).toBe(202);
    const second = await call('$export', auth(t, ASYNC));
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('10');
    // without _type: every type the token may read
    const manifest = await finishedManifest(t, first);
    expect(manifest.output.map((o) => o.type)).toEqual(['Patient', 'Condition']);
  });

  it('another app or clinic cannot poll, fetch or cancel an export; the owner can cancel and its files are gone', async () => {
    const mine = await token(app, 'system/Patient.rs');
    const sameClinicOtherApp = await token(otherApp, 'system/Patient.rs');
    const foreign = await token(foreignApp, 'system/Patient.rs');
    const kickOff = await call('$export?_type=Patient', auth(mine, ASYNC));
    const path = statusPath(kickOff);
    await runJobs();
    const manifest = (await (await get(path, mine)).json()) as Manifest;
    const filePath = manifest.output[0]!.url.slice(BASE.length + 1);
    for (const t of [sameClinicOtherApp, foreign]) {
      expect((await get(path, t)).status).toBe(404);
      expect((await get(filePath, t)).status).toBe(404);
      expect((await call(path, { method: 'DELETE', headers: { authorization: `Bearer ${t}` } })).status).toBe(404);
    }
    expect((await call(path, { method: 'DELETE', headers: { authorization: `Bearer ${mine}` } })).status).toBe(202);
    expect((await get(path, mine)).status).toBe(404);
    expect((await get(filePath, mine)).status).toBe(404);
  });

  it('is listed in the CapabilityStatement', async () => {
    const statement = (await (await get('metadata')).json()) as { rest: { operation?: { name: string }[]; resource: { type: string; operation?: { name: string }[] }[] }[] };
    expect(statement.rest[0]!.operation).toEqual([expect.objectContaining({ name: 'export' })]);
    expect(statement.rest[0]!.resource.find((r) => r.type === 'Patient')!.operation).toEqual([expect.objectContaining({ name: 'export' })]);
  });
});
