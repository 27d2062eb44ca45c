/**
 * A 診療情報提供書 built by someone else arrives like ours (issue 11: "any valid JP-CLINS referral, not only our own"):
 * the JP-CLINS example letter (lib/sharing/sandbox/referral-jpclins-example.json, 港診療所 → 東京第一テスト病院),
 * addressed to clinic B's 医療機関コード, is registered at the sandbox sharing service over HTTP and fetched by B's
 * inbox job; B's doctor opens it (an audited read) rendered in Japanese, links it to the matching patient (candidates
 * by name, birth date and 被保険者番号) and imports its allergy after review through the allergy service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { bundleContentHash } from '@/lib/fhir/bundle';
import { HttpSharingService } from '../adapters/http-sharing-service';
import { drainJobs } from '@/lib/jobs/job-worker';
import { enqueueJob } from '@/lib/jobs/job.repository';
import { listAllergiesForPatient } from '@/lib/records/allergies/allergy.service';
import { auditEventsFor, createPatient } from '@/tests/helpers/factories';
import { documentSharingSetup } from '@/tests/helpers/documents';
import { EXAMPLE_LETTER_MEMBER_ID, exampleLetterTo } from '@/lib/sharing/sandbox/example-letter';
import { INBOX_QUEUE } from './received-document.constants';
import { getReceivedDocument, importReceivedAllergy, importReceivedDiagnosis, linkReceivedDocument, listReceivedDocuments, runInboxJob } from './received-document.service';

let setup: Awaited<ReturnType<typeof documentSharingSetup>>;

beforeAll(async () => {
  setup = await documentSharingSetup();
});
afterAll(async () => {
  await setup?.sandbox.close();
});

describe('the JP-CLINS example letter from another institution', () => {
  it('arrives in B\'s inbox through the sharing service; B opens it, links it to 牧野 爛漫 and imports the allergy after review', async () => {
    const { service, sandbox, b } = setup;
    const bundle = exampleLetterTo(b.clinic.institutionNumber);
    const identifier = bundle.identifier!.value!;
    // 港診療所's system registers it over HTTP (patient: the service validates it with the profiles on the first call)
    const sender = new HttpSharingService({ baseUrl: sandbox.url, timeoutMs: 30_000 });
    await sender.registerDocument({ identifier, version: 1, memberId: EXAMPLE_LETTER_MEMBER_ID, bundle, contentHash: bundleContentHash(bundle) });

    // the same person at B (kanji, kana, birth date, 保険), one sharing only the birth date, one only the 保険者番号
    const makino = await createPatient(b.receptionist, { familyName: '牧野', givenName: '爛漫', familyNameKana: 'マキノ', givenNameKana: 'ランマン', sex: 'female', birthDate: '1930-06-28', insurance: { insurerNumber: '00012345', symbol: 'あいう', number: '187', branch: '05', relationship: 'self' } });
    const sameDay = await createPatient(b.receptionist, { familyName: '高知', givenName: '花子', familyNameKana: 'コウチ', givenNameKana: 'ハナコ', sex: 'female', birthDate: '1930-06-28', insurance: { insurerNumber: '06131239', symbol: '1', number: '2', branch: '00', relationship: 'self' } });
    const sameInsurer = await createPatient(b.receptionist, { familyName: '五台', givenName: '山子', familyNameKana: 'ゴダイ', givenNameKana: 'サンコ', sex: 'female', birthDate: '1950-01-01', insurance: { insurerNumber: '00012345', symbol: 'あいう', number: '188', branch: '05', relationship: 'self' } });

    await enqueueJob(db(), { clinicId: b.clinic.id, queue: INBOX_QUEUE, key: 'inbox', payload: {} });
    await drainJobs({ queues: { [INBOX_QUEUE]: async (job) => runInboxJob(job, { service }) }, clinicIds: [b.clinic.id] });
    const inbox = await listReceivedDocuments(b.doctor);
    expect(inbox.map((r) => [r.identifier, r.version, r.senderInstitution, r.senderName, r.patientName, r.patientBirthDate])).toEqual([[identifier, 1, '1319876543', '港診療所', '牧野 爛漫', '1930-06-28']]);

    const opened = await getReceivedDocument({ receivedId: inbox[0]!.id }, b.doctor);
    const v = opened.view;
    expect(v.sender).toEqual({ name: '港診療所', code: '1319876543', doctor: '大河内 勘三郎' });
    expect(v.destination).toEqual({ name: '東京第一テスト病院', code: b.clinic.institutionNumber, doctor: '野口 英世丸' });
    expect(v.patient).toMatchObject({ name: '牧野 爛漫', kana: 'マキノ ランマン', birthDate: '1930-06-28', sexLabel: '女' });
    expect(v.sections.map((s) => s.title)).toEqual(['紹介目的', '傷病名・主訴', '現病歴', '既往歴', 'アレルギー・不耐性反応', '家族歴', '身体所見', '検査結果', '臨床経過', '投薬指示', '備考・連絡情報']);
    expect(v.sections[0]!.text).toBe('腹痛精査お願いします。');
    expect(v.diagnoses.map((d) => d.name)).toEqual(['上腹部痛', '腰痛']);
    expect(v.labs.map((l) => [l.itemName, l.value, l.unit])).toEqual([['カリウム', '3.5', 'mEq/L']]);
    expect(v.problems).toEqual(['添付資料「臨床経過」の中身が文書内にありません。']);
    const [read] = await auditEventsFor(b.clinic.id, { action: 'read', resourceType: 'received_document', resourceId: opened.id });
    expect(read!.detail).toMatchObject({ identifier, version: 1 });
    // another member of the same 保険者 (a different 番号) is no candidate
    expect(opened.candidates.map((c) => [c.id, c.matches])).toEqual([
      [makino.id, ['氏名', 'カナ', '生年月日', '被保険者番号']],
      [sameDay.id, ['生年月日']],
    ]);
    expect(opened.candidates.some((c) => c.id === sameInsurer.id)).toBe(false);

    await linkReceivedDocument({ receivedId: opened.id, patientId: makino.id }, b.doctor);
    const allergy = v.allergies[0]!;
    expect(allergy).toMatchObject({ substanceName: 'サバ' });
    const written = await importReceivedAllergy({ receivedId: opened.id, index: allergy.index, category: 'food', substanceName: 'サバ', reaction: '全身の発疹、腹痛' }, b.doctor);
    expect(written).toMatchObject({ substanceName: 'サバ', reaction: '全身の発疹、腹痛', status: 'final' });
    const chart = await listAllergiesForPatient(makino.id, b.doctor);
    expect(chart.map((x) => x.substanceName)).toEqual(['サバ']);
    expect(chart[0]!.note).toContain('【他院情報から転記】');
    const [event] = await auditEventsFor(b.clinic.id, { action: 'create', resourceType: 'allergy', patientId: makino.id });
    expect(event!.detail).toMatchObject({ receivedDocument: { id: opened.id, identifier, version: 1 } });
    expect((await getReceivedDocument({ receivedId: opened.id }, b.doctor)).importedEntries).toEqual([`allergy:${allergy.index}`]);
  });

  it('a diagnosis coded with a MEDIS 病名管理番号 only is offered with the master\'s 傷病名コード and imported coded', async () => {
    const { service, sandbox, b } = setup;
    // the example letter, its 340 diagnosis re-coded with a 病名管理番号 the demo master knows (腰痛症, 8840829) and a new identifier
    const bundle = exampleLetterTo(b.clinic.institutionNumber) as unknown as { identifier: { value: string }; entry: { resource: Record<string, any> }[] };
    bundle.identifier.value = `1319876543^2022^medis-${Date.now()}`;
    const [condition, other] = bundle.entry.filter((e) => e.resource.resourceType === 'Condition').map((e) => e.resource);
    condition!.code = { coding: [{ system: 'http://medis.or.jp/CodeSystem/master-disease-keyNumber', code: '20061820', display: '腰痛症' }], text: '腰痛症' };
    other!.code = { coding: [{ system: 'http://medis.or.jp/CodeSystem/master-disease-keyNumber', code: '29999999', display: '架空の病名' }], text: '架空の病名' };
    const sender = new HttpSharingService({ baseUrl: sandbox.url, timeoutMs: 30_000 });
    await sender.registerDocument({ identifier: bundle.identifier.value, version: 1, memberId: EXAMPLE_LETTER_MEMBER_ID, bundle: bundle as never, contentHash: bundleContentHash(bundle as never) });
    const patient = await createPatient(b.receptionist, { familyName: '牧野', givenName: '花', familyNameKana: 'マキノ', givenNameKana: 'ハナ', sex: 'female', birthDate: '1930-06-28' });
    await enqueueJob(db(), { clinicId: b.clinic.id, queue: INBOX_QUEUE, key: 'inbox', payload: {} });
    await drainJobs({ queues: { [INBOX_QUEUE]: async (job) => runInboxJob(job, { service }) }, clinicIds: [b.clinic.id] });
    const received = (await listReceivedDocuments(b.doctor)).find((r) => r.identifier === bundle.identifier.value)!;
    const opened = await getReceivedDocument({ receivedId: received.id }, b.doctor);
    const lumbago = opened.view.diagnoses.find((d) => d.name === '腰痛症')!;
    expect(lumbago).toMatchObject({ medisCode: '20061820', diseaseCode: '8840829' });
    // a 病名管理番号 the master does not know stays uncoded
    expect(opened.view.diagnoses.find((d) => d.name === '架空の病名')).toMatchObject({ medisCode: '29999999', diseaseCode: null });

    await linkReceivedDocument({ receivedId: opened.id, patientId: patient.id }, b.doctor);
    const written = await importReceivedDiagnosis({ receivedId: opened.id, index: lumbago.index, diseaseCode: lumbago.diseaseCode!, isSuspected: false }, b.doctor);
    expect(written).toMatchObject({ diseaseCode: '8840829' });
  });
});

