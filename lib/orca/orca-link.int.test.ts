/**
 * The ORCA client against the sandbox ORCA over real HTTP (issue 15): every API the EHR uses, with ORCA's quirks —
 * nothing-found codes, K/W warnings, 90 while a patient is open, outages, and a timeout after ORCA stored the request.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpOrcaTransport } from './adapters/http-transport';
import { SandboxOrcaTransport } from './adapters/sandbox-transport';
import { OrcaClient } from './orca-client';
import { OrcaBusyError, OrcaRejectedError, OrcaUnavailableError, type OrcaBundle } from './orca-port';
import { OrcaSandbox } from './sandbox/orca-sandbox';
import { startOrcaSandboxServer, type RunningSandbox } from './sandbox/sandbox-server';

const DAY = '2026-12-04';
let server: RunningSandbox;
let transport: HttpOrcaTransport;
let orca: OrcaClient;

const control = async (action: string, body: unknown = {}) => {
  const res = await fetch(`${server.url}/__sandbox/${action}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${action}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
};

const revisit: OrcaBundle = { medicalClass: '120', count: 1, lines: [{ code: '112007410', quantity: '1' }] };
const clarith: OrcaBundle = {
  medicalClass: '210',
  count: 7,
  lines: [
    { code: '616140105', quantity: '2', generic: true },
    { code: '001000101' },
  ],
};

beforeAll(async () => {
  server = await startOrcaSandboxServer({ port: 0 });
  transport = new HttpOrcaTransport({ baseUrl: server.url, user: 'ormaster', password: 'ormaster', timeoutMs: 1500 });
  orca = new OrcaClient({ transport });
});
afterAll(async () => {
  transport.close();
  await server.close();
});
beforeEach(async () => {
  await control('reset');
  await control('clock', { date: DAY, time: '09:00:00' });
});

describe('patients', () => {
  it('reads a patient with its 保険組合せ, padded; an unknown number is null', async () => {
    const p = await orca.getPatient('1');
    expect(p).toMatchObject({ patientId: '00001', name: '山田　太郎', sex: '1', testPatient: false });
    expect(p!.insuranceCombinations[0]).toMatchObject({ combinationNumber: '0001', providerClass: '060', outpatientRate: 0.3 });
    expect(await orca.getPatient('99999')).toBeNull();
  });

  it('searches by name prefix and birth date; nothing found is an empty list', async () => {
    const found = await orca.searchPatients({ name: '佐藤' });
    expect(found.map((p) => p.patientId).sort()).toEqual(['00002', '00005']);
    expect((await orca.searchPatients({ name: '佐藤', birthDate: '1985-11-03' })).map((p) => p.patientId)).toEqual(['00002']);
    expect(await orca.searchPatients({ name: '存在しない' })).toEqual([]);
  });

  it('registers with auto-numbering and a 保険 → 組合せ 0001; the same name, sex and birth date is a K0 warning', async () => {
    const first = await orca.registerPatient({ patientId: '*', name: '新規 患者', kana: 'シンキ カンジャ', birthDate: '1990-01-02', sex: '2', insurance: { providerNumber: '01130012', number: '１２３' } });
    expect(first.patient.patientId).toBe('00006');
    expect(first.patient.name).toBe('新規　患者');
    expect(first.patient.insuranceCombinations.map((c) => c.combinationNumber)).toEqual(['0001']);
    expect(first.warnings).toEqual([]);
    const again = await orca.registerPatient({ patientId: '*', name: '新規 患者', kana: 'シンキ カンジャ', birthDate: '1990-01-02', sex: '2' });
    expect(again.patient.patientId).toBe('00007');
    expect(again.warnings).toEqual([{ code: 'K0', message: '同一患者の登録があります' }]);
    const changed = await orca.listChangedPatients({ from: DAY, to: DAY });
    expect(changed.map((p) => p.patientId)).toEqual(expect.arrayContaining(['00006', '00007']));
    expect(changed.find((p) => p.patientId === '00004')).toBeUndefined(); // test patients excluded
  });

  it('refuses a missing field with ORCA code and message', async () => {
    const err = await orca.registerPatient({ patientId: '*', name: '', kana: 'カナ', birthDate: '1990-01-01', sex: '1' }).catch((e) => e);
    expect(err).toBeInstanceOf(OrcaRejectedError);
    expect(err).toMatchObject({ code: '02', configuration: false });
  });
});

describe('受付', () => {
  const accept = { patientId: '00002', date: DAY, time: '09:05:00', departmentCode: '01', physicianCode: '10001', medicalInformation: '01', insuranceCombinationNumber: '0001' };

  it('registers, lists as 会計待ち, refuses a duplicate with 16, cancels; an empty day is an empty list', async () => {
    expect(await orca.listAcceptances({ date: DAY, state: 'all' })).toEqual([]);
    const { acceptance, warnings } = await orca.registerAcceptance(accept);
    expect(acceptance).toMatchObject({ acceptanceId: '00001', date: DAY, time: '09:05:00', patientId: '00002', insuranceCombinationNumber: '0001', accountTime: null });
    expect(warnings).toEqual([]);
    expect((await orca.listAcceptances({ date: DAY, state: 'waiting' })).map((a) => a.acceptanceId)).toEqual(['00001']);
    expect(await orca.registerAcceptance(accept).catch((e) => e)).toMatchObject({ name: 'OrcaRejectedError', code: '16' });
    await orca.cancelAcceptance({ patientId: '00002', date: DAY, acceptanceId: '00001' });
    expect(await orca.listAcceptances({ date: DAY, state: 'all' })).toEqual([]);
    expect(await orca.cancelAcceptance({ patientId: '00002', date: DAY, acceptanceId: '00001' }).catch((e) => e)).toMatchObject({ code: '17' });
  });

  it('reports defaults ORCA filled in as K warnings, not as errors', async () => {
    const { acceptance, warnings } = await orca.registerAcceptance({ ...accept, medicalInformation: '' });
    expect(acceptance.acceptanceId).toBe('00001');
    expect(warnings).toEqual([{ code: 'K3', message: '診療内容を自動設定しました' }]);
  });

  it('90 while the patient is open on an ORCA terminal is OrcaBusyError, and works once released', async () => {
    await control('lock', { patientId: '2' });
    const err = await orca.registerAcceptance(accept).catch((e) => e);
    expect(err).toBeInstanceOf(OrcaBusyError);
    expect(err.code).toBe('90');
    await control('unlock', { patientId: '2' });
    expect((await orca.registerAcceptance(accept)).acceptance.acceptanceId).toBe('00001');
  });

  it('unknown 診療科 / ドクター are 13 / 14', async () => {
    expect(await orca.registerAcceptance({ ...accept, departmentCode: '77' }).catch((e) => e)).toMatchObject({ code: '13' });
    expect(await orca.registerAcceptance({ ...accept, physicianCode: '99999' }).catch((e) => e)).toMatchObject({ code: '14' });
  });
});

describe('病名', () => {
  it('adds, reads back with the read-side codes, ends (転帰 F), deletes (O) and reports ORCA-only 病名', async () => {
    await control('disease', { patientId: '1', code: '7840024', startDate: '2026-11-01' });
    const written = await orca.writeDiseases({
      patientId: '00001',
      baseMonth: '2026-12',
      performDate: DAY,
      departmentCode: '01',
      diseases: [
        { singleCodes: ['8830417', 'ZZZ8002'], name: '胃炎の疑い', startDate: DAY, suspected: true },
        { singleCodes: ['5329001'], name: '胃潰瘍（旧）', startDate: DAY, primary: true },
      ],
    });
    expect(written.rejected).toEqual([]);
    expect(written.warnings).toEqual([{ code: 'W01', message: '移行先病名があります', position: 2 }]);
    expect(written.unmatched).toMatchObject([{ singleCodes: ['7840024'], name: '頭痛', startDate: '2026-11-01' }]);

    let read = await orca.readDiseases({ patientId: '00001', baseMonth: '2026-12' });
    expect(read.find((d) => d.singleCodes[0] === '8830417')).toMatchObject({ suspected: true, outcome: null });

    await orca.writeDiseases({ patientId: '00001', baseMonth: '2026-12', performDate: DAY, departmentCode: '01', diseases: [{ singleCodes: ['8830417', 'ZZZ8002'], name: '胃炎の疑い', startDate: DAY, endDate: DAY, outcome: 'cured' }] });
    read = await orca.readDiseases({ patientId: '00001', baseMonth: '2026-12', all: true });
    expect(read.find((d) => d.singleCodes[0] === '8830417')).toMatchObject({ outcome: 'cured', endDate: DAY });

    const deleted = await orca.writeDiseases({
      patientId: '00001',
      baseMonth: '2026-12',
      performDate: DAY,
      departmentCode: '01',
      diseases: [
        { singleCodes: ['5329001'], name: '胃潰瘍（旧）', startDate: DAY, outcome: 'deleted' },
        { singleCodes: ['4011001'], name: '本態性高血圧症', startDate: DAY, outcome: 'deleted' },
      ],
    });
    expect(deleted.rejected).toEqual([{ code: 'E36', message: '削除対象の病名がありません', position: 2 }]);
    expect((await orca.readDiseases({ patientId: '00001', baseMonth: '2026-12', all: true })).map((d) => d.singleCodes[0]).sort()).toEqual(['7840024', '8830417']);
  });

  it('a patient without 病名 reads as an empty list; E90 while locked', async () => {
    expect(await orca.readDiseases({ patientId: '00003', baseMonth: '2026-12' })).toEqual([]);
    await control('lock', { patientId: '3' });
    const err = await orca.writeDiseases({ patientId: '00003', baseMonth: '2026-12', performDate: DAY, departmentCode: '01', diseases: [{ singleCodes: ['7840024'], name: '頭痛', startDate: DAY }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OrcaBusyError);
    expect(err.code).toBe('E90');
  });
});

describe('診療行為 (中途データ), 算定 and 会計', () => {
  const send = { patientId: '00002', performDate: DAY, performTime: '09:40:00', departmentCode: '01', physicianCode: '10001', insuranceCombinationNumber: '0001', bundles: [revisit, clarith] };

  it('sends a 中途データ, replaces it (new Medical_Uid), and after ORCA staff confirm, reads the 会計', async () => {
    await orca.registerAcceptance({ patientId: '00002', date: DAY, time: '09:05:00', departmentCode: '01', physicianCode: '10001', medicalInformation: '01', insuranceCombinationNumber: '0001' });
    const sent = await orca.sendMedical(send);
    expect(sent.medicalUid).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.warnings).toEqual([]);
    const pending = await orca.listPendingMedical({ performDate: DAY, patientId: '00002' });
    expect(pending).toMatchObject([{ medicalUid: sent.medicalUid, departmentCode: '01', insuranceCombinationNumber: '0001', openOnTerminal: false, resavedInOrca: false }]);

    const replaced = await orca.sendMedical({ ...send, bundles: [revisit], replaceUid: sent.medicalUid });
    expect(replaced.medicalUid).not.toBe(sent.medicalUid);
    expect(replaced.warnings.map((w) => w.code)).toEqual(['W03']);
    expect((await orca.listPendingMedical({ performDate: DAY })).map((p) => p.medicalUid)).toEqual([replaced.medicalUid]);
    // the old UID is spent
    expect(await orca.sendMedical({ ...send, replaceUid: sent.medicalUid }).catch((e) => e)).toMatchObject({ code: '32' });

    expect((await orca.getIncome({ patientId: '00002', performDate: DAY })).invoices).toEqual([]);
    await control('confirm', { patientId: '2', date: DAY });
    expect(await orca.listPendingMedical({ performDate: DAY })).toEqual([]);
    const billed = await orca.listAcceptances({ date: DAY, state: 'billed' });
    expect(billed).toMatchObject([{ acceptanceId: '00001', accountTime: '09:00:00' }]);
    const income = await orca.getIncome({ patientId: '00002', performDate: DAY });
    // 再診 75 points × 10 yen × 30 % = 225 → 230 yen (rounded to 10 yen)
    expect(income.invoices).toMatchObject([{ invoiceNumber: '0000001', totalPoints: 75, billedYen: 230, paidYen: 230, ratePercent: 30, insuranceCombinationNumber: '0001' }]);
    expect(income.invoices[0]!.details).toEqual([{ code: 'A00', name: '初・再診料', points: 75 }]);
    expect(income.unpaidTotalYen).toBe(0);
  });

  it('reports an unknown 組合せ as W02 and a code missing from the 点数マスタ as M01, with positions', async () => {
    const sent = await orca.sendMedical({ ...send, insuranceCombinationNumber: '0009', bundles: [revisit, { medicalClass: '210', count: 1, lines: [{ code: '699999999', quantity: '1' }, { code: '001000101' }] }] });
    expect(sent.warnings).toEqual([
      { code: 'W02', message: '保険組合せ０００で登録しました', bundle: null, line: null },
      { code: 'M01', message: '点数マスタに存在しません 699999999', bundle: 2, line: 1 },
    ]);
  });

  it('a second same-day 中途データ is flagged (Medical_Result 03)', async () => {
    await orca.sendMedical(send);
    expect((await orca.sendMedical(send)).sameDayExists).toBe(true);
  });

  it('cannot replace or delete an entry ORCA staff opened (31/33) or re-saved (UID erased)', async () => {
    const sent = await orca.sendMedical(send);
    await control('open-medical', { medicalUid: sent.medicalUid });
    expect(await orca.sendMedical({ ...send, replaceUid: sent.medicalUid }).catch((e) => e)).toMatchObject({ code: '33' });
    expect(await orca.deleteMedical({ ...send, medicalUid: sent.medicalUid }).catch((e) => e)).toMatchObject({ code: '31' });
    await control('reset');
    await control('clock', { date: DAY, time: '09:00:00' });
    const again = await orca.sendMedical(send);
    await control('open-medical', { medicalUid: again.medicalUid, how: 'resave' });
    expect((await orca.listPendingMedical({ performDate: DAY }))[0]).toMatchObject({ medicalUid: null, resavedInOrca: true });
    const gone = await orca.sendMedical({ ...send, replaceUid: again.medicalUid }).catch((e) => e);
    expect(gone).toMatchObject({ code: '33' });
  });

  it('simulates the charge without storing anything; 12 without a 組合せ, 50 for a code that cannot be claimed', async () => {
    const sim = await orca.simulateCharge({ patientId: '00002', performDate: DAY, departmentCode: '01', insuranceCombinationNumber: '0001', bundles: [revisit, clarith] });
    // 再診 75 + クラリス 3.14 × 2 = 6.28 → 6 points × 7 days = 42 → 117 points, 30 % = 351 → 350 yen
    expect(sim).toMatchObject({ totalPoints: 117, billedYen: 350, burdenLabel: '３割' });
    expect(sim.details).toEqual([
      { code: null, name: '初・再診料', points: 75 },
      { code: null, name: '投薬', points: 42 },
    ]);
    expect(await orca.listPendingMedical({ performDate: DAY })).toEqual([]);
    expect(await orca.simulateCharge({ patientId: '00002', performDate: DAY, departmentCode: '01', insuranceCombinationNumber: '0007', bundles: [revisit] }).catch((e) => e)).toMatchObject({ code: '12' });
    expect(
      await orca.simulateCharge({ patientId: '00002', performDate: DAY, departmentCode: '01', bundles: [{ medicalClass: '130', count: 1, lines: [{ code: '113000910' }] }] }).catch((e) => e),
    ).toMatchObject({ code: '50' });
  });
});

describe('transport failures', () => {
  const accept = { patientId: '00002', date: DAY, time: '09:05:00', departmentCode: '01', physicianCode: '10001', medicalInformation: '01', insuranceCombinationNumber: '0001' };

  it('a timeout after ORCA stored the 受付 is "unavailable after send"; reading finds it, so nothing is sent twice', async () => {
    await control('fault', { path: '/orca11/acceptmodv2', kind: 'delay_after_apply', delayMs: 4000, times: 1 });
    const err = await orca.registerAcceptance(accept).catch((e) => e);
    expect(err).toBeInstanceOf(OrcaUnavailableError);
    expect(err.afterSend).toBe(true);
    const found = await orca.listAcceptances({ date: DAY, state: 'all' });
    expect(found).toMatchObject([{ patientId: '00002', time: '09:05:00', departmentCode: '01' }]);
  });

  it('a connection that drops, a 503 outage and a 500 are OrcaUnavailableError; the 503 did not reach ORCA', async () => {
    await control('fault', { kind: 'drop', times: 1 });
    expect(await orca.getPatient('1').catch((e) => e)).toBeInstanceOf(OrcaUnavailableError);
    await control('fault', { kind: 'http503' });
    const outage = await orca.registerAcceptance(accept).catch((e) => e);
    expect(outage).toMatchObject({ name: 'OrcaUnavailableError', afterSend: false, httpStatus: 503 });
    await control('clear-faults');
    await control('fault', { kind: 'http500', times: 1 });
    expect(await orca.getPatient('1').catch((e) => e)).toMatchObject({ name: 'OrcaUnavailableError', httpStatus: 500 });
    expect(await orca.getPatient('1')).not.toBeNull();
  });

  it('nobody listening is unavailable before send', async () => {
    const t = new HttpOrcaTransport({ baseUrl: 'http://127.0.0.1:61899', user: 'ormaster', password: 'ormaster', timeoutMs: 1000 });
    const err = await new OrcaClient({ transport: t }).getPatient('1').catch((e) => e);
    t.close();
    expect(err).toMatchObject({ name: 'OrcaUnavailableError', afterSend: false });
  });

  it('wrong credentials (HTTP 401) and operator/system errors (99, 89) are configuration errors', async () => {
    const t = new HttpOrcaTransport({ baseUrl: server.url, user: 'ormaster', password: 'wrong' });
    expect(await new OrcaClient({ transport: t }).getPatient('1').catch((e) => e)).toMatchObject({ name: 'OrcaRejectedError', code: '401', configuration: true });
    t.close();
    await control('fault', { kind: 'api_result', code: '99', times: 1 });
    expect(await orca.registerAcceptance(accept).catch((e) => e)).toMatchObject({ code: '99', configuration: true });
    await control('fault', { path: '/api01rv2/incomeinfv2', kind: 'api_result', code: '89', times: 1 });
    expect(await orca.getIncome({ patientId: '00002', performDate: DAY }).catch((e) => e)).toMatchObject({ code: '0089', configuration: true });
  });

  it('answers 98 to an unreadable body, 97 to a wrong root, 91 without class, 404/405 on wrong paths', async () => {
    const raw = (path: string, body: string, method = 'POST') =>
      transport.send({ method: method as 'POST', path, query: {}, body, contentType: 'application/xml' });
    expect((await raw('/orca11/acceptmodv2', '<data><acceptreq')).body).toContain('<Api_Result type="string">98</Api_Result>');
    expect((await raw('/orca11/acceptmodv2', '<data><wrongreq type="record"/></data>')).body).toContain('>97<');
    expect((await raw('/api01rv2/acceptlstv2', '<data><acceptlstreq type="record"/></data>')).body).toContain('>91<');
    expect((await raw('/nothing/here', '')).status).toBe(404);
    expect((await transport.send({ method: 'GET', path: '/orca11/acceptmodv2', query: {} })).status).toBe(405);
  });
});

describe('WebORCA prefix, JSON and the in-process sandbox adapter', () => {
  it('speaks to a WebORCA-style server under /api, in JSON', async () => {
    const web = await startOrcaSandboxServer({ port: 0, apiPrefix: true });
    const t = new HttpOrcaTransport({ baseUrl: web.url, apiPrefix: true, user: 'ormaster', password: 'ormaster' });
    try {
      const client = new OrcaClient({ transport: t, format: 'json' });
      expect((await client.getPatient('2'))?.name).toBe('佐藤　花子');
      const { acceptance } = await client.registerAcceptance({ patientId: '2', date: DAY, time: '10:00:00', departmentCode: '01', physicianCode: '10002', medicalInformation: '01' });
      expect(acceptance).toMatchObject({ acceptanceId: '00001', patientId: '00002', insuranceCombinationNumber: '0001' });
      // without the prefix the WebORCA server has nothing there
      const bare = new HttpOrcaTransport({ baseUrl: web.url, user: 'ormaster', password: 'ormaster' });
      expect(await new OrcaClient({ transport: bare }).getPatient('2').catch((e) => e)).toMatchObject({ code: '404', configuration: true });
      bare.close();
    } finally {
      t.close();
      await web.close();
    }
  });

  it('the in-process adapter goes through the same client and codec', async () => {
    const sandbox = new OrcaSandbox();
    const client = new OrcaClient({ transport: new SandboxOrcaTransport(sandbox, 1000) });
    const { acceptance } = await client.registerAcceptance({ patientId: '1', date: DAY, time: '10:00:00', departmentCode: '01', physicianCode: '10001', medicalInformation: '01' });
    expect(acceptance.patientId).toBe('00001');
    sandbox.injectFault({ kind: 'delay_after_apply', delayMs: 5000, times: 1 });
    expect(await client.cancelAcceptance({ patientId: '1', date: DAY, acceptanceId: acceptance.acceptanceId }).catch((e) => e)).toMatchObject({ name: 'OrcaUnavailableError', afterSend: true });
    expect(await client.listAcceptances({ date: DAY, state: 'all' })).toEqual([]);
  });
});
