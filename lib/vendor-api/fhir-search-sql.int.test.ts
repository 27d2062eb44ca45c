/**
 * The Patient and Observation searches in one statement each (docs/decisions/0089). Each parameter's SQL clause must
 * answer what its Prisma twin answers (the rest of the API still searches with Prisma): the same resources, in the same
 * order, the same totals, for every parameter, prefix, combination, page and sort below. Over HTTP: kana and hiragana
 * match, paging links, `_summary=count`, 400s, audit rows, and another clinic's records never appear.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, Observation, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { param, render } from '@/lib/core/sql';
import { CODE_SYSTEMS, ID_SYSTEMS, patientIdSystem } from '@/lib/fhir/profiles';
import { labEntrySchema } from '@/lib/records/lab-results/lab-entry.schema';
import { markLabResultEnteredInError, recordLabResults } from '@/lib/records/lab-results/lab-result.service';
import { withdrawPatientRegistration } from '@/lib/records/patients/patient.service';
import { checkIn } from '@/lib/reception/visit.service';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { BASE, call, get, register, token, type App } from '@/tests/helpers/vendor-app';
import { searchStatements } from './fhir-search-sql.repository';
import { buildSqlWhere, hasSqlSearch, OBSERVATION_SEARCH, PATIENT_SEARCH, type Page, type SortOrder } from './fhir-search.repository';
import { searchMatches } from './vendor-fhir.service';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let staff: Staff;
let other: Staff;
let app: App;
let otherApp: App;
const patients: Record<string, { id: string; patientNumber: number }> = {};
let visitId: string;
let labLineages: string[] = [];

const MEMBER = ID_SYSTEMS.insuranceMember;

async function postObservation(accessToken: string, patientId: string, body: Record<string, unknown>) {
  const res = await call('Observation', {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/fhir+json' },
    body: JSON.stringify({ resourceType: 'Observation', status: 'final', subject: { reference: `Patient/${patientId}` }, ...body }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Observation;
}

beforeAll(async () => {
  staff = await clinicWithStaff();
  other = await clinicWithStaff();
  // departments: the nurse's own, and a first one by code for results without any
  const [internal] = await Promise.all([
    db().department.create({ data: { clinicId: staff.clinic.id, code: '01', name: '内科' } }),
    db().department.create({ data: { clinicId: staff.clinic.id, code: '00', name: '総合' } }),
  ]);
  await db().user.update({ where: { clinicId_id: { clinicId: staff.clinic.id, id: staff.nurse.userId } }, data: { departmentId: internal.id } });

  const r = staff.receptionist;
  const ins = (insurerNumber: string, number: string) => ({ insurerNumber, symbol: '1234', number, branch: '00', relationship: 'self' as const });
  patients.taro = await createPatient(r, { familyName: '検索', givenName: '太郎', familyNameKana: 'ケンサク', givenNameKana: 'タロウ', sex: 'male', birthDate: '1990-05-01', phone: '03-1111-2222', insurance: ins('06131239', '100001') });
  patients.hanako = await createPatient(r, {
    familyName: '検索',
    givenName: '花子',
    familyNameKana: 'けんさく',
    givenNameKana: 'はなこ',
    sex: 'female',
    birthDate: '1991-06-02',
    phone: '03-1111-3333',
    insurance: ins('06131239', '100002'),
    publicExpense: { payerNumber: '54136015', recipientNumber: '1234566' },
  });
  patients.ichiro = await createPatient(r, { familyName: '山田', givenName: '一郎', familyNameKana: 'ﾔﾏﾀﾞ', givenNameKana: 'ｲﾁﾛｳ', sex: 'male', birthDate: '1985-01-01', phone: '090-0000-0001', insurance: ins('138057', '200001') });
  patients.kenta = await createPatient(r, { familyName: '山田', givenName: '健太', familyNameKana: 'ヤマダ', givenNameKana: 'ケンタ', sex: 'other', birthDate: '1990-05-31', phone: '090-0000-0002' });
  const gone = await createPatient(r, { familyName: '検索', givenName: '取消', familyNameKana: 'ケンサク', givenNameKana: 'トリケシ', birthDate: '1990-05-01' });
  await withdrawPatientRegistration({ patientId: gone.id, expectedVersion: gone.version, reason: '誤登録' }, r);
  patients.gone = gone;
  patients.elsewhere = await createPatient(other.receptionist, { familyName: '検索', givenName: '他院', familyNameKana: 'ケンサク', givenNameKana: 'タイン', birthDate: '1990-05-01', phone: '03-1111-2222', insurance: ins('06131239', '100001') });

  app = await register(staff, ['system/Patient.rs', 'system/Observation.crs']);
  otherApp = await register(other, ['system/Patient.rs', 'system/Observation.crs']);

  // lab results: a nurse's entry without a visit (her department), a doctor's at a visit, results from the API (no
  // user: the first department), one withdrawn as 入力誤り; and another clinic's result of its own patient
  await recordLabResults(labEntrySchema.parse({ patientId: patients.taro.id, collectedAt: '2026-03-01T09:00', specimen: '血清', items: [{ itemKey: 'AST', value: '31' }, { itemKey: 'ALT', value: '12' }] }), staff.nurse);
  ({ visitId } = await checkIn({ patientId: patients.taro.id, doctorId: staff.doctor.userId, firstVisit: true }, r));
  const atVisit = await recordLabResults(labEntrySchema.parse({ patientId: patients.taro.id, collectedAt: '2026-04-01T09:30', specimen: '血清', items: [{ itemKey: 'AST', value: '45' }, { itemKey: 'TP', value: '7.2' }] }), staff.doctor);
  await recordLabResults(labEntrySchema.parse({ patientId: patients.hanako.id, collectedAt: '2026-04-01T09:30', specimen: '血清', items: [{ itemKey: 'AST', value: '20' }] }), staff.doctor);
  const writer = await token(app, 'system/Observation.crs');
  const hba1c = (value: number) => ({ coding: [{ system: CODE_SYSTEMS.labLocal, code: 'K-HBA1C', display: 'HbA1c' }, { system: CODE_SYSTEMS.jlac10, code: '3D046000001906202' }] , text: `HbA1c ${value}` });
  for (const [i, value] of [5.3, 6.05, 7].entries()) {
    await postObservation(writer, patients.taro.id, { code: hba1c(value), effectiveDateTime: `2026-0${i + 1}-15T08:00:00+09:00`, valueQuantity: { value, unit: '%' }, referenceRange: [{ low: { value: 4.6 }, high: { value: 6.2 } }] });
  }
  await postObservation(writer, patients.taro.id, { code: { coding: [{ system: CODE_SYSTEMS.labLocal, code: 'K-CRP' }] }, effectiveDateTime: '2026-04-01T00:30:00+09:00', valueQuantity: { value: 0.3, unit: 'mg/dL', comparator: '<' } });
  await postObservation(writer, patients.ichiro.id, { code: { coding: [{ code: 'U-PRO' }], text: '尿蛋白' }, effectiveDateTime: '2026-02-10T10:00:00Z', valueString: '(±)' });
  await markLabResultEnteredInError({ id: atVisit[1]!.id, reason: '検体取り違え' }, staff.doctor);
  await recordLabResults(labEntrySchema.parse({ patientId: patients.elsewhere.id, collectedAt: '2026-04-01T09:30', specimen: '血清', items: [{ itemKey: 'AST', value: '99' }] }), other.doctor);
  labLineages = (await db().labResult.findMany({ where: { clinicId: staff.clinic.id, isLatest: true }, select: { lineageId: true } })).map((l) => l.lineageId);
}, 300_000);

const q = (query: string): [string, string][] => [...new URLSearchParams(query)];

/** The one statement and the Prisma queries agree on the matches (several pages and sorts) and the total. */
async function expectSameAnswers(type: 'Patient' | 'Observation', query: string, sorts: (SortOrder | undefined)[]): Promise<number> {
  const params = q(query);
  const pages: Page[] = [{ skip: 0, take: 101 }, { skip: 1, take: 2 }, { skip: 3, take: 5 }];
  let total = -1;
  for (const sort of sorts) {
    for (const page of pages) {
      const viaSql = await searchMatches(staff.clinic.id, type, params, page, sort);
      const viaPrisma = await searchMatches(staff.clinic.id, type, params, page, sort, true);
      expect(viaSql, `${type}?${query} ${JSON.stringify(page)} ${JSON.stringify(sort)}`).toEqual(viaPrisma);
      total = viaSql.total;
    }
  }
  return total;
}

describe('the one-statement searches', () => {
  it('have a SQL clause for every Patient and Observation search parameter', () => {
    expect(hasSqlSearch(PATIENT_SEARCH)).toBe(true);
    expect(hasSqlSearch(OBSERVATION_SEARCH)).toBe(true);
  });

  it('filter every table by the clinic id, one parameter ($1), in every statement', () => {
    const clinic = param(staff.clinic.id);
    const ctx = { institutionNumber: staff.clinic.institutionNumber, clinic };
    const patientWhere = buildSqlWhere(PATIENT_SEARCH, q(`identifier=${MEMBER}|06131239:1234:100001:00&name=ケンサク&birthdate=ge1990`), ctx);
    const labWhere = buildSqlWhere(OBSERVATION_SEARCH, q('patient=x&code=AST&date=ge2026'), ctx);
    const page = { skip: 0, take: 21 };
    const statements = [
      searchStatements.patients(clinic, patientWhere, page, '2026-12-06', { column: 'birthDate', direction: 'desc' }),
      searchStatements.patientKeys(clinic, patientWhere, page, { column: 'birthDate', direction: 'desc' }),
      searchStatements.patientsById(clinic, ['x', 'y'], '2026-12-06'),
      searchStatements.countPatients(clinic, patientWhere),
      searchStatements.labResults(clinic, labWhere, page),
      searchStatements.labResultKeys(clinic, labWhere, page),
      searchStatements.labResultsById(clinic, ['x', 'y']),
      searchStatements.countLabResults(clinic, labWhere),
    ];
    for (const statement of statements) {
      const { text, values } = render(statement);
      expect(values[0]).toBe(staff.clinic.id);
      expect(values.filter((v) => v === staff.clinic.id)).toHaveLength(1);
      const tables = [...text.matchAll(/(?:FROM|JOIN) "(\w+)" (\w+)/g)];
      expect(tables.length).toBeGreaterThan(0);
      for (const [, table, alias] of tables) expect(text, `${table} ${alias}`).toContain(`${alias}."clinicId" = $1`);
    }
  });

  it('answer Patient searches as the Prisma queries do, for every parameter, prefix, page and sort', async () => {
    const sorts: (SortOrder | undefined)[] = [undefined, { column: 'birthDate', direction: 'asc' }, { column: 'birthDate', direction: 'desc' }, { column: 'updatedAt', direction: 'desc' }];
    const system = patientIdSystem(staff.clinic.institutionNumber);
    const queries: [string, number][] = [
      ['', 4],
      [`name=${encodeURIComponent('けんさく')}`, 2],
      ['name=ケンサク', 2],
      ['name=ｹﾝｻｸ', 2],
      ['name=検索', 2],
      ['name=検', 2],
      [`name=${encodeURIComponent('検索 太郎')}`, 1],
      ['name=やまだ', 2],
      ['name=ヤマダ,ケンサク', 4],
      ['name=ケンサク&name=タロウ', 1],
      // % and _ are characters of the name, not wildcards: no patient's name has them
      ['name=%25', 0],
      ['name=_', 0],
      [`name=${encodeURIComponent('ケン%サク')}`, 0],
      ['name=zzz', 0],
      [`identifier=${patients.hanako!.patientNumber}`, 1],
      [`identifier=${encodeURIComponent(`${system}|${patients.hanako!.patientNumber}`)}`, 1],
      [`identifier=${encodeURIComponent(`urn:other|${patients.hanako!.patientNumber}`)}`, 0],
      ['identifier=abc', 0],
      [`identifier=${encodeURIComponent(`${MEMBER}|06131239:1234:100001:00`)}`, 1],
      [`identifier=${encodeURIComponent(`${MEMBER}|00138057::200001:`)}`, 1],
      [`identifier=${encodeURIComponent(`${MEMBER}|06131239`)}`, 0],
      [`identifier=${patients.taro!.patientNumber},${patients.kenta!.patientNumber}`, 2],
      ['birthdate=1990-05-01', 1],
      ['birthdate=1990-05', 2],
      ['birthdate=ge1991', 1],
      ['birthdate=lt1990-05-31', 2],
      ['birthdate=le1990-05-01', 2],
      ['birthdate=gt1990-05-01', 2],
      ['birthdate=ne1990-05-01', 3],
      ['birthdate=sa1990&birthdate=eb1991-12', 1],
      // a time on a DATE column: both bounds are taken as that day, as Prisma sends them (nothing matches)
      [`birthdate=${encodeURIComponent('1990-05-01T12:00:00Z')}`, 0],
      [`birthdate=${encodeURIComponent('ge1990-05-31T00:00:00+09:00')}`, 2],
      ['birthdate=ge1985&birthdate=lt1991', 3],
      ['gender=male', 2],
      [`gender=${encodeURIComponent('http://hl7.org/fhir/administrative-gender|female')}`, 1],
      ['gender=female,other', 2],
      [`gender=${encodeURIComponent('x|')}`, 0],
      ['phone=03-1111-2222', 1],
      ['phone=0311113333', 1],
      ['phone=abc', 0],
      ['_lastUpdated=ge2000', 4],
      ['_lastUpdated=lt2000', 0],
      [`_id=${patients.ichiro!.id}`, 1],
      [`_id=${patients.ichiro!.id},${patients.gone!.id},${patients.elsewhere!.id}`, 1],
      [`name=ケンサク&gender=female&birthdate=ge1991&phone=0311113333&identifier=${encodeURIComponent(`${MEMBER}|06131239:1234:100002:00`)}`, 1],
    ];
    for (const [query, expected] of queries) expect(await expectSameAnswers('Patient', query, sorts), `Patient?${query}`).toBe(expected);
  }, 180_000);

  it('answer Observation searches as the Prisma queries do, for every parameter, prefix, page and sort', async () => {
    const sorts: (SortOrder | undefined)[] = [undefined, { column: 'collectedAt', direction: 'asc' }, { column: 'createdAt', direction: 'desc' }];
    const taro = patients.taro!.id;
    const queries: [string, number][] = [
      ['', 10],
      [`patient=${taro}`, 8],
      [`patient=Patient/${taro}`, 8],
      [`patient=${encodeURIComponent(`${BASE}/Patient/${taro}`)}`, 8],
      [`patient=Encounter/${taro}`, 0],
      [`patient=${taro},${patients.ichiro!.id}`, 9],
      [`patient=${patients.elsewhere!.id}`, 0],
      ['code=3B035000002327201', 3],
      ['code=AST', 3],
      [`code=${encodeURIComponent(`${CODE_SYSTEMS.jlac10}|3d046000001906202`)}`, 3],
      [`code=${encodeURIComponent(`${CODE_SYSTEMS.labCore}|3B035000002327201`)}`, 3],
      [`code=${encodeURIComponent(`${CODE_SYSTEMS.labLocal}|K-HBA1C`)}`, 3],
      [`code=${encodeURIComponent('urn:other|AST')}`, 0],
      [`code=${encodeURIComponent(`${CODE_SYSTEMS.labLocal}|`)}`, 0],
      ['code=U-PRO,K-CRP', 2],
      ['category=laboratory', 10],
      ['category=vital-signs', 0],
      // one alternative that matches every result: the parameter matches every result
      ['category=laboratory,vital-signs', 10],
      ['category=vital-signs,laboratory', 10],
      ['date=ge2026-04-01', 4],
      ['date=2026-04', 4],
      [`date=${encodeURIComponent('lt2026-04-01T09:30:00+09:00')}`, 7],
      ['date=ne2026-04-01', 6],
      ['date=le2026-02&date=gt2026-01-15', 2],
      [`encounter=${visitId}`, 2],
      [`encounter=Encounter/${visitId}`, 2],
      ['encounter=Patient/x', 0],
      ['_lastUpdated=ge2000', 10],
      ['_lastUpdated=lt2000', 0],
      [`_id=${labLineages[0]}`, 1],
      [`_id=${labLineages.slice(0, 3).join(',')}`, 3],
      [`patient=${taro}&code=${encodeURIComponent(`${CODE_SYSTEMS.jlac10}|3D046000001906202`)}&category=laboratory&date=ge2026-02`, 2],
    ];
    for (const [query, expected] of queries) expect(await expectSameAnswers('Observation', query, sorts), `Observation?${query}`).toBe(expected);
  }, 180_000);
});

describe('the Patient and Observation searches over HTTP', () => {
  const search = async <T extends Bundle>(path: string, accessToken: string) => {
    const res = await get(path, accessToken);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as T;
  };

  it('match kana in katakana, hiragana and half-width, page with next and previous links, count, and audit each search', async () => {
    const at = await token(app, 'system/Patient.rs');
    const ids = (b: Bundle) => (b.entry ?? []).map((e) => e.resource!.id);
    const kenSaku = [patients.taro!.id, patients.hanako!.id];
    for (const name of ['ケンサク', 'けんさく', 'ｹﾝｻｸ', 'ケン サク', '検索']) {
      expect(ids(await search(`Patient?name=${encodeURIComponent(name)}`, at)), name).toEqual(kenSaku);
    }
    expect(ids(await search(`Patient?name=${encodeURIComponent('やまだ')}`, at))).toEqual([patients.ichiro!.id, patients.kenta!.id]);

    const mark = await auditMark(staff.clinic.id);
    const seen: string[] = [];
    let page = await search<Bundle<Patient>>('Patient?_count=1&_sort=-birthdate', at);
    const pages = [page];
    for (let next = page.link!.find((l) => l.relation === 'next'); next; next = page.link!.find((l) => l.relation === 'next')) {
      page = await search<Bundle<Patient>>(next.url!.slice(BASE.length + 1), at);
      pages.push(page);
    }
    for (const p of pages) seen.push(...ids(p).filter((id): id is string => !!id));
    expect(seen).toEqual([patients.hanako!.id, patients.kenta!.id, patients.taro!.id, patients.ichiro!.id]);
    expect(pages.map((p) => p.link!.map((l) => l.relation))).toEqual([['self', 'next'], ['self', 'next', 'previous'], ['self', 'next', 'previous'], ['self', 'previous']]);
    expect(pages[2]!.link![0]!.url).toBe(`${BASE}/Patient?_sort=-birthdate&_count=1&_offset=2`);
    const audited = await auditEventsFor(staff.clinic.id, { action: 'search', resourceType: 'patient' }, mark);
    expect(audited.map((e) => (e.detail as { ids: string[] }).ids)).toEqual(pages.map((p) => ids(p)));

    const counted = await search(`Patient?name=${encodeURIComponent('ケンサク')}&_summary=count`, at);
    expect(counted).toMatchObject({ total: 2 });
    expect(counted.entry).toBeUndefined();
  });

  it('serve the Observations of a patient by code with the mapping of the Prisma path, and refuse bad values with 400', async () => {
    const at = await token(app, 'system/Observation.rs');
    const found = await search<Bundle<Observation>>(`Observation?patient=${patients.taro!.id}&code=${encodeURIComponent(`${CODE_SYSTEMS.jlac10}|3D046000001906202`)}`, at);
    expect(found.entry!.map((e) => e.resource!.valueQuantity?.value)).toEqual([7, 6.05, 5.3]);
    const tp = await search<Bundle<Observation>>(`Observation?patient=${patients.taro!.id}&code=TP`, at);
    expect(tp.entry![0]!.resource!.status).toBe('entered-in-error');

    for (const [path, expression] of [
      ['Observation?date=yesterday', 'date'],
      ['Observation?_lastUpdated=2026-13-01', '_lastUpdated'],
      ['Patient?birthdate=ge19900501', 'birthdate'],
      ['Observation?subject=x', 'subject'],
      ['Observation?_sort=code', '_sort'],
      ['Patient?_count=0', '_count'],
    ] as const) {
      const res = await get(path, await token(app, 'system/Patient.rs system/Observation.rs'));
      expect(res.status, path).toBe(400);
      const outcome = (await res.json()) as OperationOutcome;
      expect(outcome.issue[0]).toMatchObject({ severity: 'error', code: 'invalid', expression: [expression] });
      expect(outcome.issue[0]!.details?.text).toMatch(/[ぁ-んァ-ン一-龥]/);
    }
  });

  it('write the Observation Bundle as the mapping does, from the serialized resources kept, and show a change of doctor or department at once', async () => {
    const at = await token(app, 'system/Observation.rs');
    const path = `Observation?patient=${patients.taro!.id}&_count=50`;
    const text = async () => {
      const res = await get(path, at);
      expect(res.status).toBe(200);
      return res.text();
    };
    const expected = async () => (await searchMatches(staff.clinic.id, 'Observation', q(`patient=${patients.taro!.id}`), { skip: 0, take: 50 }, undefined, true)).resources;
    const first = await text();
    const again = await text(); // from the kept texts
    expect(again).toBe(first);
    const bundle = JSON.parse(first) as Bundle<Observation>;
    expect(JSON.stringify(bundle)).toBe(first);
    expect(bundle.entry!.map((e) => e.resource)).toEqual(await expected());
    expect(bundle.entry!.map((e) => e.fullUrl)).toEqual(bundle.entry!.map((e) => `${BASE}/Observation/${e.resource!.id}`));
    expect(bundle.entry!.every((e) => e.search?.mode === 'match')).toBe(true);

    const doctor = await db().user.findUniqueOrThrow({ where: { clinicId_id: { clinicId: staff.clinic.id, id: staff.doctor.userId } } });
    const department = await db().department.findFirstOrThrow({ where: { clinicId: staff.clinic.id, code: '00' } });
    try {
      await db().user.update({ where: { clinicId_id: { clinicId: staff.clinic.id, id: doctor.id } }, data: { displayName: '改名 医師' } });
      await db().department.update({ where: { clinicId_id: { clinicId: staff.clinic.id, id: department.id } }, data: { name: '総合診療科' } });
      const changed = JSON.parse(await text()) as Bundle<Observation>;
      expect(changed.entry!.map((e) => e.resource)).toEqual(await expected());
      expect(changed.entry!.flatMap((e) => e.resource!.performer ?? []).map((p) => p.display)).toContain('改名 医師');
      expect(JSON.stringify(changed)).toContain('総合診療科');
    } finally {
      await db().user.update({ where: { clinicId_id: { clinicId: staff.clinic.id, id: doctor.id } }, data: { displayName: doctor.displayName } });
      await db().department.update({ where: { clinicId_id: { clinicId: staff.clinic.id, id: department.id } }, data: { name: department.name } });
    }
    expect(await text()).toBe(first);
  });

  it('never show another clinic its records: the same name, identifier and patient id answer only its own', async () => {
    const at = await token(otherApp, 'system/Patient.rs system/Observation.rs');
    const ids = (b: Bundle) => (b.entry ?? []).map((e) => e.resource!.id);
    expect(ids(await search('Patient?name=ケンサク', at))).toEqual([patients.elsewhere!.id]);
    expect(ids(await search(`Patient?identifier=${encodeURIComponent(`${MEMBER}|06131239:1234:100001:00`)}`, at))).toEqual([patients.elsewhere!.id]);
    expect(ids(await search(`Patient?_id=${patients.taro!.id}`, at))).toEqual([]);
    expect(await search(`Patient?phone=0311112222&_summary=count`, at)).toMatchObject({ total: 1 });
    expect(ids(await search(`Observation?patient=${patients.taro!.id}`, at))).toEqual([]);
    expect(await search('Observation?code=AST&_summary=count', at)).toMatchObject({ total: 1 });
    // and the clinic's own app does not see the other clinic's
    const own = await token(app, 'system/Patient.rs system/Observation.rs');
    expect(ids(await search(`Observation?patient=${patients.elsewhere!.id}`, own))).toEqual([]);
    expect(ids(await search(`Patient?_id=${randomUUID()}`, own))).toEqual([]);
  });
});
