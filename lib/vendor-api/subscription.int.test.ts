/**
 * FHIR Subscriptions (rest-hook) end to end: an app creates one through the route table, a diagnosis written by a
 * doctor reaches a real HTTP receiver as the API's Condition, signed with the app's key; a receiver that fails first
 * is retried by the job queue; criteria that do not match leave nothing; another clinic's writes never reach it;
 * the admin's delivery log shows it and 再送 sends it again. A visit's status changes reach Encounter subscriptions and
 * a 確定 (or withdrawn) prescription reaches MedicationRequest subscriptions, one notification per drug line.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Condition, Encounter, MedicationRequest, OperationOutcome, Subscription } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { drainJobs } from '@/lib/jobs/job-worker';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { recordDiagnosis } from '@/lib/records/diagnoses/diagnosis.service';
import { markPrescriptionEnteredInError, savePrescription } from '@/lib/records/prescriptions/prescription.service';
import { changeVisitStatus, checkIn, startConsultation } from '@/lib/reception/visit.service';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { call, get, register, token, type App } from '@/tests/helpers/vendor-app';
import { NOTIFY_QUEUE, SUBSCRIPTION_SECRET_EXTENSION } from './subscription.constants';
import { deliverNotification, listSubscriptionDeliveries, replaySubscriptionDelivery } from './subscription.service';

type Received = { headers: IncomingHttpHeaders; body: string };
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
let failNext = 0;

let staff: Awaited<ReturnType<typeof clinicWithStaff>>;
let other: Awaited<ReturnType<typeof clinicWithStaff>>;
let app: App;
let patientOnly: App;
let clinical: App;
const SECRET = 'whsec-0123456789abcdef0123456789abcdef';

const runJobs = () =>
  drainJobs({
    queues: { [NOTIFY_QUEUE]: (job) => deliverNotification(job) },
    clinicIds: [staff.clinic.id, other.clinic.id],
    backoff: { baseMs: 1, capMs: 1, maxRetryAfterMs: 1 },
  });

async function subscribe(accessToken: string, criteria: string, extra: Partial<Subscription> = {}): Promise<Response> {
  return call('Subscription', {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/fhir+json' },
    body: JSON.stringify({
      resourceType: 'Subscription',
      status: 'requested',
      reason: 'test',
      criteria,
      channel: { type: 'rest-hook', endpoint: receiverUrl, payload: 'application/fhir+json' },
      extension: [{ url: SUBSCRIPTION_SECRET_EXTENSION, valueString: SECRET }],
      ...extra,
    }),
  });
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end();
        return;
      }
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  await loadDemoMasters();
  staff = await clinicWithStaff();
  other = await clinicWithStaff();
  app = await register(staff, ['system/Condition.rs', 'system/Patient.rs']);
  patientOnly = await register(staff, ['system/Patient.rs']);
  clinical = await register(staff, ['system/Encounter.rs', 'system/MedicationRequest.rs']);
}, 300_000);
afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

describe('Subscription (rest-hook)', () => {
  it('delivers a matching diagnosis, signed, after a failing first attempt; leaves out other patients and other clinics', async () => {
    const watched = await createPatient(staff.doctor, { familyName: '購読' });
    const notWatched = await createPatient(staff.doctor, { familyName: '対象外' });
    const t = await token(app, 'system/Condition.rs');
    const created = await subscribe(t, `Condition?patient=Patient/${watched.id}`);
    expect(created.status, await created.clone().text()).toBe(201);
    const sub = (await created.json()) as Subscription;
    expect(sub).toMatchObject({ status: 'active', criteria: `Condition?patient=Patient/${watched.id}`, channel: { type: 'rest-hook', endpoint: receiverUrl } });
    expect(JSON.stringify(sub)).not.toContain(SECRET);
    const read = (await (await get(`Subscription/${sub.id}`, t)).json()) as Subscription;
    expect(JSON.stringify(read)).not.toContain(SECRET);

    received.length = 0;
    failNext = 1;
    const diagnosis = await recordDiagnosis({ patientId: watched.id, freeText: '本態性高血圧症', startDate: '2025-04-01' }, staff.doctor);
    await recordDiagnosis({ patientId: notWatched.id, freeText: '急性上気道炎', startDate: '2026-12-01' }, staff.doctor);
    const foreign = await createPatient(other.doctor, { familyName: '他院' });
    await recordDiagnosis({ patientId: foreign.id, freeText: '気管支喘息', startDate: '2024-01-01' }, other.doctor);
    await runJobs();

    expect(received).toHaveLength(1);
    const [hit] = received;
    const condition = JSON.parse(hit!.body) as Condition;
    expect(condition).toMatchObject({ resourceType: 'Condition', id: diagnosis.lineageId, subject: { reference: `Patient/${watched.id}` } });
    expect(hit!.headers['content-type']).toBe('application/fhir+json');
    expect(hit!.headers['x-karte-subscription']).toBe(sub.id);
    // the receiver's check: HMAC-SHA256 over "<t>.<body>" with the app's key
    const [, t1, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(hit!.headers['x-karte-signature']))!;
    expect(createHmac('sha256', SECRET).update(`${t1}.${hit!.body}`).digest('hex')).toBe(v1);
    expect(createHmac('sha256', 'another-key-0123456789abcdef0123456789').update(`${t1}.${hit!.body}`).digest('hex')).not.toBe(v1);

    // the delivery log: one row (the non-matching write left none), delivered on the second attempt
    const log = (await listSubscriptionDeliveries(staff.admin)).filter((d) => d.criteria === sub.criteria);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 'delivered', statusLabel: '配信済', attempts: 2, lastStatus: 204, resource: `Condition/${diagnosis.lineageId}` });
    expect((await listSubscriptionDeliveries(other.admin)).some((d) => d.criteria === sub.criteria)).toBe(false);

    // 再送 from the admin page: the same resource again, audited
    const mark = await auditMark(staff.clinic.id);
    await replaySubscriptionDelivery({ deliveryId: log[0]!.id }, staff.admin);
    await runJobs();
    expect(received).toHaveLength(2);
    expect(JSON.parse(received[1]!.body)).toMatchObject({ id: diagnosis.lineageId });
    expect(await auditEventsFor(staff.clinic.id, { action: 'update', resourceType: 'api_subscription_delivery' }, mark)).toHaveLength(1);
    await expect(replaySubscriptionDelivery({ deliveryId: log[0]!.id }, staff.doctor)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(replaySubscriptionDelivery({ deliveryId: log[0]!.id }, other.admin)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // deleted: later writes are not delivered
    expect((await call(`Subscription/${sub.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${t}` } })).status).toBe(204);
    await recordDiagnosis({ patientId: watched.id, freeText: '脂質異常症', startDate: '2026-11-01' }, staff.doctor);
    await runJobs();
    expect(received).toHaveLength(2);
  });

  it('tells a Patient subscription about a registration and an update of the registration', async () => {
    const t = await token(app, 'system/Patient.rs');
    const created = await subscribe(t, 'Patient?gender=female');
    expect(created.status, await created.clone().text()).toBe(201);
    received.length = 0;
    const patient = await createPatient(staff.receptionist, { familyName: '通知', sex: 'female' });
    await createPatient(staff.receptionist, { familyName: '通知', sex: 'male' });
    await runJobs();
    expect(received.map((r) => JSON.parse(r.body) as { resourceType: string; id: string })).toEqual([expect.objectContaining({ resourceType: 'Patient', id: patient.id })]);
    expect(received[0]!.headers['x-karte-resource']).toBe(`Patient/${patient.id}/_history/1`);
    await call(`Subscription/${((await created.json()) as Subscription).id}`, { method: 'DELETE', headers: { authorization: `Bearer ${t}` } });
  });

  it('refuses types the app may not read, unknown criteria parameters, plain-http endpoints and a missing or short key', async () => {
    const t = await token(patientOnly, 'system/Patient.rs');
    expect((await subscribe(t, 'Condition?clinical-status=active')).status).toBe(403);
    const t2 = await token(app, 'system/Condition.rs');
    const bad = async (res: Promise<Response>, status: number, expression?: string) => {
      const r = await res;
      expect(r.status).toBe(status);
      const outcome = (await r.json()) as OperationOutcome;
      if (expression) expect(outcome.issue[0]!.expression).toEqual([expression]);
    };
    await bad(subscribe(t2, 'Condition?colour=red'), 400, 'colour');
    await bad(subscribe(t2, 'Practitioner?name=山田'), 400, 'Subscription.criteria');
    expect((await subscribe(t2, 'Encounter?status=finished')).status).toBe(403);
    expect((await subscribe(t2, 'MedicationRequest?status=completed')).status).toBe(403);
    await bad(subscribe(t2, 'Condition', { channel: { type: 'rest-hook', endpoint: 'http://example.com/hook' } }), 400, 'Subscription.channel.endpoint');
    await bad(subscribe(t2, 'Condition', { extension: [{ url: SUBSCRIPTION_SECRET_EXTENSION, valueString: 'short' }] }), 400, 'Subscription.extension');
    await bad(subscribe(t2, 'Condition', { channel: { type: 'websocket' } }), 400, 'Subscription.channel.type');
    expect((await subscribe('not-a-token', 'Condition')).status).toBe(401);
  });

  it('another app of the clinic neither sees nor deletes the subscription; a listing shows only the caller\'s', async () => {
    const mine = await token(app, 'system/Condition.rs');
    const created = (await (await subscribe(mine, 'Condition?clinical-status=active')).json()) as Subscription;
    const theirs = await token(patientOnly, 'system/Patient.rs');
    expect((await get(`Subscription/${created.id}`, theirs)).status).toBe(404);
    expect((await call(`Subscription/${created.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${theirs}` } })).status).toBe(404);
    const list = (await (await get('Subscription', theirs)).json()) as { entry?: unknown[] };
    expect(list.entry ?? []).toHaveLength(0);
    const own = (await (await get('Subscription', mine)).json()) as { entry: { resource: Subscription }[] };
    expect(own.entry.map((e) => e.resource.id)).toContain(created.id);
    // the key is sealed at rest
    const row = await db().apiSubscription.findFirst({ where: { clinicId: staff.clinic.id, id: created.id } });
    expect(row!.secretSealed).toMatch(/^v2:/);
    expect(row!.secretSealed).not.toContain(SECRET);
  });

  it('tells an Encounter subscription about each status change of a visit: 受付, 診察中, 会計待ち, 完了, 取消 and back', async () => {
    const patient = await createPatient(staff.receptionist, { familyName: '来院' });
    const bystander = await createPatient(staff.receptionist, { familyName: '別患者' });
    const t = await token(clinical, 'system/Encounter.rs');
    const created = await subscribe(t, `Encounter?patient=Patient/${patient.id}`);
    expect(created.status, await created.clone().text()).toBe(201);
    const sub = (await created.json()) as Subscription;
    received.length = 0;
    const seen = () => received.map((r) => JSON.parse(r.body) as Encounter).map((e) => `${e.id}:${e.status}`);

    const { visitId } = await checkIn({ patientId: patient.id, doctorId: staff.doctor.userId, firstVisit: true }, staff.receptionist);
    await checkIn({ patientId: bystander.id, firstVisit: true }, staff.receptionist);
    await runJobs();
    expect(seen()).toEqual([`${visitId}:arrived`]);
    expect(received[0]!.headers['x-karte-resource']).toBe(`Encounter/${visitId}`);
    const [, t1, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(received[0]!.headers['x-karte-signature']))!;
    expect(createHmac('sha256', SECRET).update(`${t1}.${received[0]!.body}`).digest('hex')).toBe(v1);

    await startConsultation({ visitId }, staff.doctor);
    await runJobs();
    await changeVisitStatus({ visitId, status: 'billing' }, staff.receptionist);
    await runJobs();
    await changeVisitStatus({ visitId, status: 'done' }, staff.receptionist);
    await runJobs();
    await changeVisitStatus({ visitId, status: 'billing' }, staff.receptionist);
    await changeVisitStatus({ visitId, status: 'cancelled' }, staff.receptionist);
    await runJobs();
    // each change is one notification; the body is the Encounter as GET serves it when the job runs (so the two
    // changes before the last run both read 取消)
    expect(seen()).toEqual([`${visitId}:arrived`, `${visitId}:in-progress`, `${visitId}:finished`, `${visitId}:finished`, `${visitId}:cancelled`, `${visitId}:cancelled`]);
    const log = (await listSubscriptionDeliveries(staff.admin)).filter((d) => d.criteria === sub.criteria);
    expect(log).toHaveLength(6);
    expect(log.every((d) => d.status === 'delivered' && d.resource === `Encounter/${visitId}`)).toBe(true);

    // a status criterion: only the changes that leave the visit in that status when the job runs
    await call(`Subscription/${sub.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${t}` } });
    const cancelledOnly = (await (await subscribe(t, 'Encounter?status=cancelled')).json()) as Subscription;
    received.length = 0;
    const again = await createPatient(staff.receptionist, { familyName: '再来' });
    const second = await checkIn({ patientId: again.id, firstVisit: false }, staff.receptionist);
    await runJobs();
    expect(received).toHaveLength(0);
    await changeVisitStatus({ visitId: second.visitId, status: 'cancelled' }, staff.receptionist);
    await runJobs();
    expect(seen()).toEqual([`${second.visitId}:cancelled`]);
    await call(`Subscription/${cancelledOnly.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${t}` } });
  });

  it('tells a MedicationRequest subscription about a 確定 prescription, one notification per drug line, and about its withdrawal; not about a draft', async () => {
    const LOXONIN = '620098801';
    const MUCOSTA = '620452801';
    const line = (receiptCode: string, rpNumber: number) => ({
      rpNumber,
      kind: 'internal' as const,
      receiptCode,
      prescribeByGeneric: false,
      drugName: '',
      dose: 3,
      doseUnit: '錠',
      doseBasis: 'per_day' as const,
      usageCode: '1013044400000000',
      usageText: '',
      days: 7,
      genericSubstitutionAllowed: true,
    });
    const patient = await createPatient(staff.receptionist, { familyName: '処方' });
    const other = await createPatient(staff.receptionist, { familyName: '処方外' });
    const t = await token(clinical, 'system/MedicationRequest.rs');
    const created = await subscribe(t, `MedicationRequest?patient=Patient/${patient.id}`);
    expect(created.status, await created.clone().text()).toBe(201);
    const sub = (await created.json()) as Subscription;
    received.length = 0;
    const seen = () => received.map((r) => JSON.parse(r.body) as MedicationRequest).map((m) => `${m.id}:${m.status}:${m.meta?.versionId}`);

    const draft = await savePrescription({ patientId: patient.id, intent: 'draft', outOfHouse: true, items: [line(LOXONIN, 1)], duplicateAcknowledged: false }, staff.doctor);
    await savePrescription({ patientId: other.id, intent: 'confirm', outOfHouse: true, items: [line(LOXONIN, 1)], duplicateAcknowledged: false }, staff.doctor);
    await runJobs();
    expect(received).toHaveLength(0);
    expect(draft.lineageId).toBeTruthy();

    const rx = await savePrescription({ patientId: patient.id, intent: 'confirm', outOfHouse: true, items: [line(LOXONIN, 1), line(MUCOSTA, 2)], duplicateAcknowledged: true }, staff.doctor);
    await runJobs();
    expect(seen().sort()).toEqual([`${rx.lineageId}-1-1:completed:1`, `${rx.lineageId}-2-1:completed:1`]);
    const lox = received.find((r) => (JSON.parse(r.body) as MedicationRequest).id === `${rx.lineageId}-1-1`)!;
    expect(lox.headers['x-karte-resource']).toBe(`MedicationRequest/${rx.lineageId}-1-1/_history/1`);
    expect(JSON.parse(lox.body)).toMatchObject({ subject: { reference: `Patient/${patient.id}` }, requester: { reference: `Practitioner/${staff.doctor.userId}` } });

    received.length = 0;
    await markPrescriptionEnteredInError({ prescriptionId: rx.id, reason: '別の患者に入力した' }, staff.doctor);
    await runJobs();
    expect(seen().sort()).toEqual([`${rx.lineageId}-1-1:entered-in-error:2`, `${rx.lineageId}-2-1:entered-in-error:2`]);
    const log = (await listSubscriptionDeliveries(staff.admin)).filter((d) => d.criteria === sub.criteria);
    expect(log).toHaveLength(4);
    await call(`Subscription/${sub.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${t}` } });
  });
});
