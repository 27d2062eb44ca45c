/**
 * Documents in the vendor API: a 確定 診療情報提供書 is a DocumentReference (search by patient, type, date; read,
 * vread, history) whose attachment is the JP-CLINS document Bundle (type document) from the one referral builder;
 * drafts are not served, a 取消 letter reads entered-in-error without the document; every read is audited naming the
 * app; another clinic's letter is the 404 of an unknown id. A DocumentReference subscription is told of the 確定 and
 * of the 取消 over real HTTP.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bundle, Composition, DocumentReference, Subscription } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainJobs } from '@/lib/jobs/job-worker';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { cancelDocument, confirmDocument, saveReferral } from '@/lib/records/documents/document.service';
import { saveDischargeSummary } from '@/lib/records/documents/discharge-summary.service';
import { recordDiagnosis } from '@/lib/records/diagnoses/diagnosis.service';
import type { SaveReferralInput } from '@/lib/records/documents/referral.schema';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { aDischargeSummaryInput } from '@/tests/helpers/documents';
import { call, get, register, token, type App } from '@/tests/helpers/vendor-app';
import { NOTIFY_QUEUE, SUBSCRIPTION_SECRET_EXTENSION } from './subscription.constants';
import { deliverNotification } from './subscription.service';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;
let app: App;
let appB: App;
let noDocs: App;
let receiver: Server;
let receiverUrl: string;
const received: string[] = [];
const SCOPES = 'system/DocumentReference.rs system/Patient.rs';
const LOINC_TYPE = 'http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes|57133-1';

const letter = (patientId: string, overrides: Partial<SaveReferralInput> = {}): SaveReferralInput => ({
  patientId,
  destination: { institutionId: null, name: '市立総合病院', department: '循環器内科', doctor: '佐藤 一郎' },
  purpose: '精査目的でご紹介いたします',
  chiefComplaint: '労作時胸痛',
  ...overrides,
});

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  await loadDemoMasters();
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
  app = await register(a, SCOPES.split(' '));
  appB = await register(b, SCOPES.split(' '));
  noDocs = await register(a, ['system/Patient.rs']);
}, 300_000);
afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

const decode = (ref: DocumentReference) => JSON.parse(Buffer.from(ref.content[0]!.attachment.data!, 'base64').toString('utf8')) as Bundle;

describe('DocumentReference (診療情報提供書)', () => {
  it('serves a 確定 letter with its document Bundle; searches by patient, type, date, status; read, vread, history; audited; withdrawn reads entered-in-error', async () => {
    const t = await token(app, SCOPES);
    const p = await createPatient(a.receptionist, { familyName: '紹介' });
    const other = await createPatient(a.receptionist, { familyName: '別人' });
    const subRes = await call('Subscription', {
      method: 'POST',
      headers: { authorization: `Bearer ${t}`, 'content-type': 'application/fhir+json' },
      body: JSON.stringify({
        resourceType: 'Subscription',
        status: 'requested',
        reason: 'test',
        criteria: `DocumentReference?patient=Patient/${p.id}`,
        channel: { type: 'rest-hook', endpoint: receiverUrl, payload: 'application/fhir+json' },
        extension: [{ url: SUBSCRIPTION_SECRET_EXTENSION, valueString: 'whsec-0123456789abcdef0123456789abcdef' }],
      }),
    });
    expect(subRes.status, await subRes.clone().text()).toBe(201);
    const sub = (await subRes.json()) as Subscription;
    const runJobs = () => drainJobs({ queues: { [NOTIFY_QUEUE]: (job) => deliverNotification(job) }, clinicIds: [a.clinic.id], backoff: { baseMs: 1, capMs: 1, maxRetryAfterMs: 1 } });

    const draft = await saveReferral(letter(p.id), a.doctor);
    await saveReferral(letter(other.id), a.doctor);
    const search = async (query: string) => {
      const res = await get(`DocumentReference?${query}`, t);
      expect(res.status, query).toBe(200);
      return ((await res.json()) as Bundle).entry?.map((e) => e.resource as DocumentReference) ?? [];
    };
    expect(await search(`patient=Patient/${p.id}`)).toEqual([]);
    await runJobs();
    expect(received).toHaveLength(0);

    await confirmDocument({ documentId: draft.id }, a.doctor);
    const mark = await auditMark(a.clinic.id);
    const [ref] = await search(`patient=Patient/${p.id}`);
    expect(ref).toMatchObject({
      resourceType: 'DocumentReference',
      id: draft.lineageId,
      meta: { versionId: '1' },
      status: 'current',
      docStatus: 'final',
      type: { coding: [{ code: '57133-1', display: '診療情報提供書' }] },
      subject: { reference: `Patient/${p.id}` },
      author: [{ reference: `Practitioner/${a.doctor.userId}` }],
      custodian: { reference: `Organization/${a.clinic.id}` },
      content: [{ attachment: { contentType: 'application/fhir+json', title: '診療情報提供書' } }],
    });
    const bundle = decode(ref!);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'document' });
    expect(ref!.masterIdentifier!.value).toBe(bundle.identifier!.value);
    const composition = bundle.entry![0]!.resource as Composition;
    expect(composition).toMatchObject({ resourceType: 'Composition', status: 'final', title: '診療情報提供書', type: { coding: [{ code: '57133-1' }] } });
    expect(JSON.stringify(bundle)).toContain('精査目的でご紹介いたします');
    const events = await auditEventsFor(a.clinic.id, { action: 'search', patientId: p.id }, mark);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ userId: app.clientId, resourceType: 'clinical_document' });

    expect((await search(`patient=${p.id}&type=${LOINC_TYPE}`)).map((r) => r.id)).toEqual([draft.lineageId]);
    expect(await search(`patient=${p.id}&type=http://loinc.org|11488-4`)).toEqual([]);
    expect(await search(`patient=${p.id}&date=lt2000-01-01`)).toEqual([]);
    expect(await search('patient=Practitioner/not-a-patient')).toEqual([]);
    expect(await search(`patient=${p.id}&status=draft`)).toEqual([]);
    expect((await search(`patient=${p.id}&date=ge2000-01-01&status=current`)).map((r) => r.id)).toEqual([draft.lineageId]);
    expect((await get(`DocumentReference?patient=${p.id}&colour=red`, t)).status).toBe(400);

    const read = await get(`DocumentReference/${draft.lineageId}`, t);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('W/"1"');
    const readEvents = await auditEventsFor(a.clinic.id, { action: 'read', resourceId: draft.lineageId }, mark);
    expect(readEvents[0]).toMatchObject({ userId: app.clientId, patientId: p.id, resourceType: 'clinical_document' });

    // the subscription was told of the 確定
    await runJobs();
    expect(received.map((r) => (JSON.parse(r) as DocumentReference).status)).toEqual(['current']);

    // 取消: entered-in-error, no document; the earlier version stays readable
    await cancelDocument({ documentId: draft.id, reason: '患者希望により中止' }, a.doctor);
    const withdrawn = (await (await get(`DocumentReference/${draft.lineageId}`, t)).json()) as DocumentReference;
    expect(withdrawn).toMatchObject({ status: 'entered-in-error', meta: { versionId: '2' } });
    expect(withdrawn.content[0]!.attachment.data).toBeUndefined();
    expect(decode((await (await get(`DocumentReference/${draft.lineageId}/_history/1`, t)).json()) as DocumentReference).type).toBe('document');
    const history = (await (await get(`DocumentReference/${draft.lineageId}/_history`, t)).json()) as Bundle;
    expect(history.entry!.map((e) => e.resource!.meta!.versionId)).toEqual(['2', '1']);
    expect((await search(`patient=${p.id}&status=entered-in-error`)).map((r) => r.id)).toEqual([draft.lineageId]);
    await runJobs();
    expect(received.map((r) => (JSON.parse(r) as DocumentReference).status)).toEqual(['current', 'entered-in-error']);
    await call(`Subscription/${sub.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${t}` } });
  });

  it('another clinic\'s letter is the 404 of an unknown id and never in its search; without the scope: 403', async () => {
    const p = await createPatient(a.receptionist, { familyName: '院内' });
    const doc = await confirmDocument({ documentId: (await saveReferral(letter(p.id), a.doctor)).id }, a.doctor);
    const tb = await token(appB, SCOPES);
    const cross = await get(`DocumentReference/${doc.lineageId}`, tb);
    expect(cross.status).toBe(404);
    expect(((await cross.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    expect(((await (await get(`DocumentReference?patient=${p.id}`, tb)).json()) as Bundle).entry ?? []).toEqual([]);
    expect(((await (await get('DocumentReference?_summary=count', tb)).json()) as Bundle).total).toBe(0);
    const narrow = await token(noDocs, 'system/Patient.rs');
    expect((await get(`DocumentReference/${doc.lineageId}`, narrow)).status).toBe(403);
    expect((await get(`Patient?_id=${p.id}&_revinclude=DocumentReference:patient`, narrow)).status).toBe(403);
    const t = await token(app, SCOPES);
    const withDocs = (await (await get(`Patient?_id=${p.id}&_revinclude=DocumentReference:patient`, t)).json()) as Bundle;
    expect(withDocs.entry!.map((e) => `${e.search!.mode} ${e.resource!.resourceType}`)).toEqual(['match Patient', 'include DocumentReference']);
  });

  it('serves a 確定 退院時サマリー too, with its own type (18842-5) and its JP_Bundle_eDischargeSummary', async () => {
    const t = await token(app, SCOPES);
    const p = await createPatient(a.receptionist, { familyName: '退院' });
    const dx = await recordDiagnosis({ patientId: p.id, diseaseCode: '8833421', startDate: '2026-03-01', isPrimary: true }, a.doctor);
    const draft = await saveDischargeSummary(aDischargeSummaryInput(p.id, { admission: [dx.lineageId], discharge: [dx.lineageId], allergies: [] }, { hospitalCourse: '抗菌薬点滴で解熱。' }), a.doctor);
    await confirmDocument({ documentId: draft.id }, a.doctor);
    const res = await get(`DocumentReference?patient=${p.id}&type=18842-5`, t);
    expect(res.status).toBe(200);
    const refs = ((await res.json()) as Bundle).entry!.map((e) => e.resource as DocumentReference);
    expect(refs.map((r) => [r.id, r.type!.coding![0]!.code, r.content[0]!.attachment.title])).toEqual([[draft.lineageId, '18842-5', '退院時サマリー']]);
    const composition = decode(refs[0]!).entry![0]!.resource as Composition;
    expect(composition.type.coding![0]!.code).toBe('18842-5');
    expect(((await (await get(`DocumentReference?patient=${p.id}&type=57133-1`, t)).json()) as Bundle).entry ?? []).toEqual([]);
  });
});
