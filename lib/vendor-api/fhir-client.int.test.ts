/**
 * The vendor API as a vendor's code meets it: a real FHIR client library (@medplum/core's MedplumClient) over real
 * HTTP (a node:http server in front of the route table, as Next's catch-all route is) with a SMART Backend Services
 * token: search and page, read, vread, history, create an Observation with an Idempotency-Key, and an
 * OperationOutcome turned into the client's error.
 */
import { MedplumClient, OperationOutcomeError } from '@medplum/core';
import type { Bundle, Condition, MedicationRequest, Observation, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { recordDiagnosis, retractDiagnosis } from '@/lib/records/diagnoses/diagnosis.service';
import { clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { savePrescription } from '@/lib/records/prescriptions/prescription.service';
import { assertion, register, startFhirServer, token } from '@/tests/helpers/vendor-app';
import { CLIENT_ASSERTION_TYPE } from './token.service';
import { FHIR_BASE_PATH } from './fhir-routes';

let server: Awaited<ReturnType<typeof startFhirServer>>;
let baseUrl: string;
let medplum: MedplumClient;
let staff: Awaited<ReturnType<typeof clinicWithStaff>>;
let other: Awaited<ReturnType<typeof clinicWithStaff>>;

beforeAll(async () => {
  server = await startFhirServer();
  baseUrl = server.baseUrl;

  await loadDemoMasters();
  staff = await clinicWithStaff();
  other = await clinicWithStaff();
  const app = await register(staff, ['system/Patient.rs', 'system/Condition.rs', 'system/Observation.crs']);
  medplum = new MedplumClient({ baseUrl, fhirUrlPath: FHIR_BASE_PATH.slice(1), cacheTime: 0, fetch: (url: string | URL | Request, init?: RequestInit) => fetch(url, init) });
  medplum.setAccessToken(await token(app, 'system/Patient.rs system/Condition.rs system/Observation.crs'));
}, 300_000);
afterAll(async () => {
  await server.close();
});

describe('a vendor app with a FHIR client library', () => {
  it('searches and pages patients by kana, reads, and gets another clinic\'s patient as a not-found OperationOutcome', async () => {
    const family = `クライアント${Date.now() % 100000}`;
    const ids: string[] = [];
    for (const given of ['イチ', 'ニ', 'サン']) ids.push((await createPatient(staff.receptionist, { familyName: '田中', givenName: '一', familyNameKana: family, givenNameKana: given })).id);
    const foreign = await createPatient(other.receptionist, { familyNameKana: family });

    const seen: string[] = [];
    for await (const page of medplum.searchResourcePages('Patient', { name: family, _count: '2' })) seen.push(...page.map((p) => p.id!));
    expect(seen.sort()).toEqual([...ids].sort());

    const patient = await medplum.readResource('Patient', ids[0]!);
    expect(patient).toMatchObject({ resourceType: 'Patient', id: ids[0], meta: { versionId: '1' } });
    const error = await medplum.readResource('Patient', foreign.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationOutcomeError);
    expect((error as OperationOutcomeError).outcome.issue[0]).toMatchObject({ code: 'not-found' });
  });

  it('reads a diagnosis\'s history and an earlier version after it was withdrawn', async () => {
    const patient = await createPatient(staff.doctor);
    const diagnosis = await recordDiagnosis({ patientId: patient.id, freeText: '急性上気道炎', startDate: '2026-12-01' }, staff.doctor);
    await retractDiagnosis({ diagnosisId: diagnosis.id, reason: '別の患者に入力した' }, staff.doctor);
    const history = await medplum.readHistory('Condition', diagnosis.lineageId);
    expect(history.entry!.map((e) => (e.resource as Condition).meta!.versionId)).toEqual(['2', '1']);
    const current = await medplum.readResource('Condition', diagnosis.lineageId);
    expect(current.verificationStatus!.coding![0]!.code).toBe('entered-in-error');
    const first = await medplum.readVersion('Condition', diagnosis.lineageId, '1');
    expect(first.verificationStatus?.coding?.[0]?.code).not.toBe('entered-in-error');
    const found = await medplum.searchResources('Condition', { patient: `Patient/${patient.id}` });
    expect(found.map((c) => c.id)).toEqual([diagnosis.lineageId]);
  });

  it('creates an Observation once however often the client retries it with one Idempotency-Key', async () => {
    const patient = await createPatient(staff.receptionist);
    const observation: Observation = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits', code: '3D046000001906202', display: 'HbA1c' }] },
      subject: { reference: `Patient/${patient.id}` },
      effectiveDateTime: '2026-12-01T09:30:00+09:00',
      valueQuantity: { value: 7.2, unit: '%' },
    };
    const key = `client-test-${patient.id}`;
    const a = await medplum.createResource(observation, { headers: { 'Idempotency-Key': key } });
    const b = await medplum.createResource(observation, { headers: { 'Idempotency-Key': key } });
    expect(a.id).toBeTruthy();
    expect(b.id).toBe(a.id);
    const results = await medplum.searchResources('Observation', { patient: patient.id });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ id: a.id, valueQuantity: { value: 7.2 } });

    const invalid = await medplum.createResource({ ...observation, subject: { reference: 'Patient/unknown' } } as Observation).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(OperationOutcomeError);
    expect((invalid as OperationOutcomeError).outcome.issue[0]!.details!.text).toMatch(/[ぁ-んァ-ン一-龥]/);
    // the patient as a client reads it back, typed
    const read: Patient = await medplum.readResource('Patient', patient.id);
    expect(read.id).toBe(patient.id);
  });

  it('reads a prescription as MedicationRequests with the patient by _revinclude, then revokes its token over HTTP', async () => {
    const patient = await createPatient(staff.receptionist);
    const prescription = await savePrescription(
      {
        patientId: patient.id,
        intent: 'confirm',
        outOfHouse: true,
        duplicateAcknowledged: false,
        items: [{ rpNumber: 1, kind: 'internal', receiptCode: '620098801', prescribeByGeneric: false, drugName: '', dose: 3, doseUnit: '錠', doseBasis: 'per_day', usageCode: '1013044400000000', usageText: '', days: 7, genericSubstitutionAllowed: true }],
      },
      staff.doctor,
    );
    const app = await register(staff, ['system/Patient.rs', 'system/MedicationRequest.rs']);
    const client = new MedplumClient({ baseUrl, fhirUrlPath: FHIR_BASE_PATH.slice(1), cacheTime: 0, fetch: (url: string | URL | Request, init?: RequestInit) => fetch(url, init) });
    const accessToken = await token(app, 'system/Patient.rs system/MedicationRequest.rs');
    client.setAccessToken(accessToken);
    const bundle: Bundle = await client.search('Patient', { _id: patient.id, _revinclude: 'MedicationRequest:patient' });
    const included = bundle.entry!.filter((e) => e.search?.mode === 'include').map((e) => e.resource as MedicationRequest);
    expect(included.map((m) => m.id)).toEqual([`${prescription.lineageId}-1-1`]);
    const read = await client.readResource('MedicationRequest', `${prescription.lineageId}-1-1`);
    expect(read.medicationCodeableConcept!.coding![0]!.code).toBe('1149019F1560');

    const form = async (fields: Record<string, string>) => new URLSearchParams({ ...fields, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: await assertion(app, { aud: `${baseUrl}${FHIR_BASE_PATH.slice(1)}/token` }) });
    const revoked = await fetch(`${baseUrl}${FHIR_BASE_PATH.slice(1)}/revoke`, { method: 'POST', body: await form({ token: accessToken }) });
    expect(revoked.status).toBe(200);
    const error = await client.readResource('MedicationRequest', `${prescription.lineageId}-1-1`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationOutcomeError);
    expect((error as OperationOutcomeError).outcome.issue[0]).toMatchObject({ code: 'login' });
    const introspected = await fetch(`${baseUrl}${FHIR_BASE_PATH.slice(1)}/introspect`, { method: 'POST', body: await form({ token: accessToken }) });
    expect(await introspected.json()).toEqual({ active: false });
  });
});
