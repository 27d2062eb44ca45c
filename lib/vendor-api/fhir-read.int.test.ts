/**
 * The one-statement read path (docs/decisions/0084): after an app's first call, GET Patient/{id} checks the app and the
 * token, reads the patient and writes the audit row in one statement. It must write exactly one audit row per 200, none
 * for a 404, and refuse a revoked app or token on the very next request — also for an id that does not exist.
 * Concurrent reads of a clinic share one statement (docs/decisions/0091): each still gets its own answer and its own row.
 */
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient, patientInput } from '@/tests/helpers/factories';
import { assertion, call, get, register, token, type App } from '@/tests/helpers/vendor-app';
import { updatePatient, withdrawPatientRegistration } from '@/lib/records/patients/patient.service';
import type { UpdatePatientInput } from '@/lib/records/patients/patient.schema';
import { revokeApiClient } from './api-client.service';
import { fhirReadRepository } from './fhir-read.repository';
import { searchMatches } from './vendor-fhir.service';
import { CLIENT_ASSERTION_TYPE } from './token.service';

let staff: Awaited<ReturnType<typeof clinicWithStaff>>;

beforeAll(async () => {
  staff = await clinicWithStaff();
}, 300_000);

async function revokeToken(app: App, accessToken: string) {
  const body = new URLSearchParams({ token: accessToken, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: await assertion(app) });
  return call('revoke', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
}

describe('GET Patient/{id} in one statement', () => {
  it('writes one audit row naming the app and the version for every 200, none for a 404', async () => {
    const patient = await createPatient(staff.receptionist, { insurance: { insurerNumber: '06131239', symbol: '12', number: '345', branch: '01', relationship: 'self' } });
    const app = await register(staff, ['system/Patient.rs']);
    const at = await token(app, 'system/Patient.rs');
    const mark = await auditMark(staff.clinic.id);
    const bodies: Patient[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await get(`Patient/${patient.id}`, at);
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe('W/"1"');
      bodies.push((await res.json()) as Patient);
    }
    // the first call (app name not known yet) and the single-statement calls answer the same resource
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    expect(bodies[0]!.identifier?.some((i) => i.value?.includes('06131239'))).toBe(true);
    const events = await auditEventsFor(staff.clinic.id, { action: 'read', resourceType: 'patient', patientId: patient.id }, mark);
    expect(events).toHaveLength(3);
    for (const e of events) {
      expect(e).toMatchObject({ userId: app.clientId, userRole: 'api_client', resourceId: patient.id, outcome: 'success' });
      expect(e.loginId).toMatch(/^app:/);
      expect(e.detail).toEqual({ via: 'fhir_api', fhirType: 'Patient', interaction: 'read', versionId: '1' });
    }
    const before404 = await auditMark(staff.clinic.id);
    const missing = await get('Patient/00000000-0000-4000-8000-000000000000', at);
    expect(missing.status).toBe(404);
    expect(await auditEventsFor(staff.clinic.id, {}, before404)).toHaveLength(0);
    expect(await auditEventsFor(staff.clinic.id, { action: 'read' }, mark)).toHaveLength(3);
  });

  it('answers from the kept JSON only while the registration and its insurance are unchanged: an edit, a new insurance and a withdrawal show at once', async () => {
    const ins = { insurerNumber: '06131239', symbol: '12', number: '345', branch: '01', relationship: 'self' } as const;
    const p = await createPatient(staff.receptionist, patientInput({ familyName: '保持', insurance: ins }));
    const app = await register(staff, ['system/Patient.rs']);
    const at = await token(app, 'system/Patient.rs');
    const read = async (expectEtag: string) => {
      const res = await get(`Patient/${p.id}`, at);
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe(expectEtag);
      return res.text();
    };
    // the version read (another path: the provider's versions, mapped again) is the same resource
    const vread = async (v: number) => (await (await get(`Patient/${p.id}/_history/${v}`, at)).json()) as Patient;
    const first = await read('W/"1"');
    expect(await read('W/"1"')).toBe(first);
    expect(JSON.parse(first)).toEqual(await vread(1));

    const update = (version: number, changes: Partial<UpdatePatientInput>) =>
      updatePatient({ ...patientInput({ familyName: '保持', insurance: ins }), birthDate: p.birthDate, familyNameKana: p.familyNameKana, givenName: p.givenName, givenNameKana: p.givenNameKana, sex: p.sex, patientId: p.id, expectedVersion: version, ...changes }, staff.receptionist);
    await update(1, { familyName: '改姓' });
    const renamed = JSON.parse(await read('W/"2"')) as Patient;
    expect(renamed.name![0]!.family).toBe('改姓');
    expect(renamed).toEqual(await vread(2));
    await update(2, { familyName: '改姓', insurance: { ...ins, number: '999' } });
    const reinsured = JSON.parse(await read('W/"3"')) as Patient;
    expect(reinsured.identifier!.map((i) => i.value).join()).toContain(':999:');
    expect(reinsured.identifier!.map((i) => i.value).join()).not.toContain(':345:');

    await withdrawPatientRegistration({ patientId: p.id, expectedVersion: 3, reason: '誤登録' }, staff.receptionist);
    expect((await get(`Patient/${p.id}`, at)).status).toBe(410);
  });

  it('answers the Patient read and search from kept JSON equal to the mapping, with an edit, a new insurance and a withdrawal shown at once in both', async () => {
    const family = `共有${staff.clinic.id.slice(0, 6)}`;
    const p = await createPatient(staff.receptionist, patientInput({ familyName: family, insurance: { insurerNumber: '06131239', symbol: '12', number: '346', branch: '01', relationship: 'self' } }));
    const app = await register(staff, ['system/Patient.rs']);
    const at = await token(app, 'system/Patient.rs');
    const search = async () => {
      const res = await get(`Patient?name=${encodeURIComponent(family)}`, at);
      expect(res.status).toBe(200);
      return ((await res.json()) as Bundle).entry!.map((e) => e.resource as Patient);
    };
    const mapped = async () => (await searchMatches(staff.clinic.id, 'Patient', [['name', family]], { skip: 0, take: 20 }, undefined, true)).resources;
    const read = async () => (await (await get(`Patient/${p.id}`, at)).json()) as Patient;

    const first = await read(); // kept by the read
    expect(await search()).toEqual([first]);
    expect(await mapped()).toEqual([first]);

    await updatePatient({ ...patientInput({ familyName: family }), birthDate: p.birthDate, familyNameKana: p.familyNameKana, givenName: '改名', givenNameKana: p.givenNameKana, sex: p.sex, patientId: p.id, expectedVersion: 1 }, staff.receptionist);
    const [edited] = await search(); // kept by the search
    expect(edited!.meta!.versionId).toBe('2');
    expect(edited!.name![0]!.given).toEqual(['改名']);
    expect([edited]).toEqual(await mapped());
    expect(await read()).toEqual(edited);
    expect(await search()).toEqual([edited]); // from the search's kept JSON

    // a new insurance (and 公費) is a new version: the search shows them at once, as the read and the mapping do
    await updatePatient({ ...patientInput({ familyName: family }), birthDate: p.birthDate, familyNameKana: p.familyNameKana, givenName: '改名', givenNameKana: p.givenNameKana, sex: p.sex, patientId: p.id, expectedVersion: 2, insurance: { insurerNumber: '06131239', symbol: '12', number: '777', branch: '01', relationship: 'self' }, publicExpense: { payerNumber: '54136015', recipientNumber: '1234566' } }, staff.receptionist);
    const [reinsured] = await search();
    expect(reinsured!.meta!.versionId).toBe('3');
    expect(JSON.stringify(reinsured!.identifier)).toContain(':777:');
    expect(JSON.stringify(reinsured!.identifier)).not.toContain(':346:');
    expect([reinsured]).toEqual(await mapped());
    expect(await read()).toEqual(reinsured);

    await withdrawPatientRegistration({ patientId: p.id, expectedVersion: 3, reason: '誤登録' }, staff.receptionist);
    expect(await search()).toEqual([]);
  });

  it('refuses a revoked token and a revoked app on the next request, for known and unknown ids, and writes no audit row', async () => {
    const patient = await createPatient(staff.receptionist);
    const app = await register(staff, ['system/Patient.rs']);
    const [first, second] = [await token(app, 'system/Patient.rs'), await token(app, 'system/Patient.rs')];
    expect((await get(`Patient/${patient.id}`, first)).status).toBe(200);
    expect((await get(`Patient/${patient.id}`, first)).status).toBe(200);
    expect((await revokeToken(app, first)).status).toBe(200);
    const mark = await auditMark(staff.clinic.id);
    expect((await get(`Patient/${patient.id}`, first)).status).toBe(401);
    expect((await get('Patient/00000000-0000-4000-8000-000000000000', first)).status).toBe(401);
    expect((await get(`Patient?name=${encodeURIComponent(patient.familyNameKana)}`, first)).status).toBe(401);
    expect((await get(`Patient/${patient.id}`, second)).status).toBe(200);
    expect(await auditEventsFor(staff.clinic.id, { action: 'read' }, mark)).toHaveLength(1);

    await revokeApiClient({ clientId: app.clientId }, staff.admin);
    const after = await auditMark(staff.clinic.id);
    const refused = await get(`Patient/${patient.id}`, second);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { issue: { diagnostics: string }[] }).issue[0]!.diagnostics).toBe('the client has been revoked');
    expect((await get('Patient/00000000-0000-4000-8000-000000000000', second)).status).toBe(401);
    expect((await get(`Patient?name=${encodeURIComponent(patient.familyNameKana)}`, second)).status).toBe(401);
    expect(await auditEventsFor(staff.clinic.id, { action: 'read' }, after)).toHaveLength(0);
    expect(await auditEventsFor(staff.clinic.id, { action: 'search' }, after)).toHaveLength(0);
  });

  it('answers concurrent reads from shared statements, each with its own answer: 200 with a row, 404, 410 and 401 without one', async () => {
    const other = await clinicWithStaff();
    const [kept, gone, foreign] = [await createPatient(staff.receptionist), await createPatient(staff.receptionist), await createPatient(other.receptionist)];
    await withdrawPatientRegistration({ patientId: gone.id, expectedVersion: gone.version, reason: '誤登録' }, staff.receptionist);
    const patients = [kept, ...(await Promise.all(Array.from({ length: 11 }, () => createPatient(staff.receptionist))))];
    const app = await register(staff, ['system/Patient.rs']);
    const [live, revoked] = [await token(app, 'system/Patient.rs'), await token(app, 'system/Patient.rs')];
    expect((await get(`Patient/${kept.id}`, revoked)).status).toBe(200);
    expect((await revokeToken(app, revoked)).status).toBe(200);
    const mark = await auditMark(staff.clinic.id);
    const before = fhirReadRepository.patientReadStats();
    const asks: [string, string, number][] = [
      ...patients.flatMap((p): [string, string, number][] => [[p.id, live, 200], [p.id, live, 200]]),
      [gone.id, live, 410],
      [foreign.id, live, 404],
      ['00000000-0000-4000-8000-000000000000', live, 404],
      [kept.id, revoked, 401],
    ];
    const answers = await Promise.all(asks.map(async ([id, bearer]) => {
      const res = await get(`Patient/${id}`, bearer);
      return { status: res.status, body: (await res.json()) as Patient };
    }));
    expect(answers.map((a) => a.status)).toEqual(asks.map(([, , status]) => status));
    answers.forEach((a, i) => {
      if (a.status === 200) expect(a.body.id).toBe(asks[i]![0]);
    });
    const after = fhirReadRepository.patientReadStats();
    expect(after.items - before.items).toBe(asks.length);
    expect(after.statements - before.statements).toBeLessThan(asks.length);
    // one row per 200, naming the patient read and its version; none for the 404s, the 410 and the 401
    const events = await auditEventsFor(staff.clinic.id, { action: 'read', resourceType: 'patient' }, mark);
    expect(events.map((e) => e.patientId).sort()).toEqual(patients.flatMap((p) => [p.id, p.id]).sort());
    for (const e of events) expect(e).toMatchObject({ userId: app.clientId, resourceId: e.patientId, detail: { interaction: 'read', versionId: '1' } });
    expect(await auditEventsFor(other.clinic.id, {}, 0n)).toEqual(expect.not.arrayContaining([expect.objectContaining({ userId: app.clientId })]));
  });
});
