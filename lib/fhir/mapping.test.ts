import type { AllergyIntolerance, Condition, Observation, Patient } from '@medplum/fhirtypes';
import { toFhirMedicationRequest } from './medication-request';
import { describe, expect, it } from 'vitest';
import { buildUnitBundle, bundleContentHash, canonical } from './bundle';
import { insuranceMemberId, memberIdPart } from './patient';
import { CODE_SYSTEMS, EXTENSIONS, ID_SYSTEMS, PROFILES, fhirTarget } from './profiles';
import { NOW, aContext, aDiagnosis, aLabResult, aPatient, anAllergy } from './test-fixtures';
import type { FhirAllergyInput, FhirDiagnosisInput, FhirLabResultInput, FhirMedicationInput, FhirPatientInput } from './types';
import { brokenBundles } from './validate-corpus';

function conditions(diagnoses: FhirDiagnosisInput[], patient: FhirPatientInput = aPatient()) {
  const built = buildUnitBundle(aContext(), { kind: 'condition', patient, diagnoses });
  return built ? (built.bundle.entry!.slice(1).map((e) => e.resource) as Condition[]) : [];
}
const condition = (o: Partial<FhirDiagnosisInput> = {}) => conditions([aDiagnosis(o)])[0]!;
const allergy = (o: Partial<FhirAllergyInput> = {}) =>
  buildUnitBundle(aContext(), { kind: 'allergy', patient: aPatient(), allergies: [anAllergy(o)] })!.bundle.entry![1]!.resource as AllergyIntolerance;
const observation = (o: Partial<FhirLabResultInput> = {}, target = fhirTarget()) =>
  buildUnitBundle(aContext({ target }), { kind: 'lab-report', patient: aPatient(), reportKey: 'R1', results: [aLabResult(o)] })!.bundle.entry![1]!
    .resource as Observation;
const patientOf = (o: Partial<FhirPatientInput> = {}) =>
  buildUnitBundle(aContext(), { kind: 'condition', patient: aPatient(o), diagnoses: [aDiagnosis()] })!.bundle.entry![0]!.resource as Patient;

describe('bundle', () => {
  it('is a collection with Patient first, the resource-type tag and the identifier 医療機関コード^年^id', () => {
    const built = buildUnitBundle(aContext(), { kind: 'condition', patient: aPatient(), diagnoses: [aDiagnosis()] })!;
    expect(built.bundle.type).toBe('collection');
    expect(built.bundle.meta?.profile).toEqual([PROFILES.bundle]);
    expect(built.bundle.meta?.tag).toEqual([{ system: CODE_SYSTEMS.bundleResourceType, code: 'Condition' }]);
    expect(built.bundle.entry![0]!.resource!.resourceType).toBe('Patient');
    expect(built.identifier).toMatch(/^[0-4][0-9][1-3][0-9]{7}\^20[2-3][0-9]\^[A-Za-z0-9-]{1,36}$/);
    expect(built.identifier.startsWith('1311234567^2026^C')).toBe(true);
    expect(built.bundle.identifier).toEqual({ system: ID_SYSTEMS.bundle, value: built.identifier });
  });

  it('keeps the identifier it was first sent with, and the content hash ignores the build time', () => {
    const first = buildUnitBundle(aContext(), { kind: 'condition', patient: aPatient(), diagnoses: [aDiagnosis()] })!;
    const later = buildUnitBundle(aContext({ now: new Date('2027-01-10T00:00:00Z'), bundleIdentifier: first.identifier }), {
      kind: 'condition',
      patient: aPatient(),
      diagnoses: [aDiagnosis()],
    })!;
    expect(later.identifier).toBe(first.identifier);
    expect(later.contentHash).toBe(first.contentHash);
    const changed = buildUnitBundle(aContext(), { kind: 'condition', patient: aPatient(), diagnoses: [aDiagnosis({ isPrimary: true })] })!;
    expect(changed.contentHash).not.toBe(first.contentHash);
    // computed when first read, from the bundle as built; the same on every read and in a copy
    expect(first.contentHash).toBe(bundleContentHash(first.bundle));
    expect({ ...first }.contentHash).toBe(first.contentHash);
    expect(JSON.parse(JSON.stringify(first)).contentHash).toBe(first.contentHash);
  });

  it('a new identifier is made in the year of the build, stable for the unit', () => {
    const a = buildUnitBundle(aContext({ now: new Date('2027-03-01T00:00:00Z') }), { kind: 'lab-report', patient: aPatient(), reportKey: 'R1', results: [aLabResult()] })!;
    const b = buildUnitBundle(aContext({ now: new Date('2027-05-01T00:00:00Z') }), { kind: 'lab-report', patient: aPatient(), reportKey: 'R1', results: [aLabResult()] })!;
    const other = buildUnitBundle(aContext({ now: new Date('2027-05-01T00:00:00Z') }), { kind: 'lab-report', patient: aPatient(), reportKey: 'R2', results: [aLabResult()] })!;
    expect(a.identifier).toBe(b.identifier);
    expect(a.identifier).toMatch(/^1311234567\^2027\^L[0-9a-f]{32}$/);
    expect(other.identifier).not.toBe(a.identifier);
  });

  it('contains current diagnoses and those ended within five years; none left = null (delete the unit)', () => {
    const old = aDiagnosis({ lineageId: 'old', outcome: 'cured', endDate: new Date('2021-12-03T00:00:00Z') });
    const recent = aDiagnosis({ lineageId: 'recent', outcome: 'cured', endDate: new Date('2021-12-05T00:00:00Z') });
    const current = aDiagnosis({ lineageId: 'current' });
    const retracted = aDiagnosis({ lineageId: 'retracted', status: 'entered_in_error' });
    expect(conditions([old, recent, current, retracted]).map((c) => c.id)).toEqual(['recent', 'current']);
    expect(buildUnitBundle(aContext(), { kind: 'condition', patient: aPatient(), diagnoses: [old, retracted] })).toBeNull();
  });

  it('allergies no longer active count from their last change for the five years', () => {
    const built = buildUnitBundle(aContext(), {
      kind: 'allergy',
      patient: aPatient(),
      allergies: [anAllergy({ lineageId: 'gone', clinicalStatus: 'resolved', updatedAt: new Date('2020-01-01T00:00:00Z') }), anAllergy({ lineageId: 'kept' })],
    })!;
    expect(built.bundle.entry!.slice(1).map((e) => e.resource!.id)).toEqual(['kept']);
  });

  it('every resource carries profile, lastUpdated, the lineage id, the institution and department extensions and a contained Encounter', () => {
    for (const r of [condition(), allergy(), observation()]) {
      expect(r.meta?.lastUpdated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+09:00$/);
      expect(r.meta?.profile).toHaveLength(1);
      expect(r.identifier).toEqual([{ system: ID_SYSTEMS.resourceInstance, value: r.id }]);
      expect(r.extension).toContainEqual({
        url: EXTENSIONS.institutionNumber,
        valueIdentifier: { system: ID_SYSTEMS.institutionNumber, value: '1311234567' },
      });
      expect(r.extension).toContainEqual({
        url: EXTENSIONS.department,
        valueCodeableConcept: { text: '内科', coding: [{ system: CODE_SYSTEMS.department, code: '01', display: '内科' }] },
      });
      expect(r.contained![0]).toMatchObject({ resourceType: 'Encounter', meta: { profile: [PROFILES.encounter] }, class: { code: 'AMB' } });
      expect((r as Condition).encounter?.reference ?? (r as AllergyIntolerance).encounter?.reference).toBe('#encounter');
    }
  });

  it('references the patient by its fullUrl, and record fullUrls are stable', () => {
    const built = buildUnitBundle(aContext(), { kind: 'condition', patient: aPatient(), diagnoses: [aDiagnosis()] })!;
    expect((built.bundle.entry![1]!.resource as Condition).subject.reference).toBe(built.bundle.entry![0]!.fullUrl);
    expect(built.bundle.entry![1]!.fullUrl).toBe(`urn:uuid:${aDiagnosis().lineageId}`);
  });
});

describe('Patient', () => {
  it('carries the 患者番号 identifier of the institution and the 被保険者個人識別子', () => {
    const p = patientOf();
    expect(p.identifier).toEqual([
      { system: 'urn:oid:1.2.392.100495.20.3.51.11311234567', value: '12' },
      { system: ID_SYSTEMS.insuranceMember, value: '06138057:12:345:01' },
    ]);
  });

  it('formats the member ID: 8-digit insurer, half-width when alphanumeric, all full-width with kana, no spaces, 2-digit branch or empty', () => {
    expect(insuranceMemberId({ insurerNumber: '12345', symbol: 'あいう', number: '187', branch: '05' })).toBe('00012345:あいう:187:05');
    expect(insuranceMemberId({ insurerNumber: '138057', symbol: null, number: '１８７', branch: null })).toBe('00138057::187:');
    expect(insuranceMemberId({ insurerNumber: '06138057', symbol: 'ＡＢ 12', number: '3 4', branch: '1' })).toBe('06138057:AB12:34:01');
    expect(memberIdPart('ｱｲｳ　1')).toBe('アイウ１');
  });

  it('a patient with only 生活保護 is identified by the 生活保護受給者識別子; one with no insurance has no member ID', () => {
    const welfare = patientOf({ insurance: null, publicExpenses: [{ payerNumber: '12136015', recipientNumber: '1234567' }] });
    expect(welfare.identifier![1]).toEqual({ system: ID_SYSTEMS.publicPayerMember, value: '12136015::1234567:' });
    const uninsured = patientOf({ insurance: null, publicExpenses: [{ payerNumber: '54136015', recipientNumber: '1234567' }] });
    expect(uninsured.identifier).toHaveLength(1);
  });

  it('writes the kana name in katakana and names without full-width spaces', () => {
    const p = patientOf({ familyNameKana: 'やまだ', givenNameKana: 'たろう', givenName: '太　郎' });
    expect(p.name![1]).toMatchObject({ text: 'ヤマダ タロウ', family: 'ヤマダ', given: ['タロウ'] });
    expect(p.name![0]!.text).toBe('山田 太 郎');
    expect(p.name![0]!.extension![0]!.valueCode).toBe('IDE');
    expect(p.name![1]!.extension![0]!.valueCode).toBe('SYL');
  });

  it('address text, with prefecture and city when the model has them', () => {
    expect(patientOf().address).toEqual([{ text: '東京都千代田区千代田1-1', postalCode: '100-0001' }]);
    expect(patientOf({ address: '千代田1-1', prefecture: '東京都', city: '千代田区' }).address).toEqual([
      { text: '東京都千代田区千代田1-1', postalCode: '100-0001', state: '東京都', city: '千代田区' },
    ]);
    expect(patientOf({ address: null }).address).toBeUndefined();
  });
});

describe('Condition', () => {
  it('codes with the MEDIS 病名管理番号 and the other codes, code.text always the name', () => {
    const c = condition();
    expect(c.code!.coding![0]).toEqual({ system: CODE_SYSTEMS.medisDisease, code: '20065138', display: '高血圧症' });
    expect(c.code!.coding!.map((x) => x.system)).toEqual([CODE_SYSTEMS.medisDisease, CODE_SYSTEMS.medisExchange, CODE_SYSTEMS.receiptDisease, CODE_SYSTEMS.icd10]);
    expect(c.code!.text).toBe('高血圧症');
  });

  it('an uncoded diagnosis gets the all-9 管理番号 and keeps its text', () => {
    const c = condition({ medisKeyNumber: null, diseaseCode: null, exchangeCode: null, icd10: null, displayName: '右足底部痛み' });
    expect(c.code).toEqual({ coding: [{ system: CODE_SYSTEMS.medisDisease, code: '99999999', display: '未コード化傷病名' }], text: '右足底部痛み' });
  });

  it('modifiers go as prefix/postfix extensions with their 管理番号; one without a 管理番号 makes the diagnosis uncoded', () => {
    const coded = condition({
      displayName: '左変形性膝関節症',
      modifiers: [{ code: '2052', name: '左', position: 'prefix', keyNumber: 'QXYZ', exchangeCode: 'HJ8T' }],
    });
    expect(coded.code!.coding![0]!.code).toBe('20065138');
    expect(coded.code!.extension).toEqual([
      {
        url: EXTENSIONS.prefixModifier,
        valueCodeableConcept: {
          coding: [
            { system: CODE_SYSTEMS.medisModifier, code: 'QXYZ', display: '左' },
            { system: CODE_SYSTEMS.medisModifierExchange, code: 'HJ8T', display: '左' },
            { system: CODE_SYSTEMS.receiptModifier, code: '2052', display: '左' },
          ],
        },
      },
    ]);
    const without = condition({ modifiers: [{ code: '2052', name: '左', position: 'prefix', keyNumber: null }] });
    expect(without.code!.coding![0]!.code).toBe('99999999');
    expect(without.code!.extension).toBeUndefined();
  });

  it('疑い → verificationStatus unconfirmed (the 「の疑い」 modifier is not sent as a modifier)', () => {
    const c = condition({ isSuspected: true, displayName: '高血圧症の疑い', modifiers: [{ code: '8002', name: 'の疑い', position: 'suffix', keyNumber: null }] });
    expect(c.verificationStatus!.coding![0]!.code).toBe('unconfirmed');
    expect(c.code!.coding![0]!.code).toBe('20065138');
    expect(condition().verificationStatus!.coding![0]!.code).toBe('confirmed');
  });

  it('転帰 → clinicalStatus and abatementDateTime; no 転帰 → active', () => {
    const cured = condition({ outcome: 'cured', endDate: new Date('2026-06-30T00:00:00Z') });
    expect(cured.clinicalStatus).toEqual({ coding: [{ system: CODE_SYSTEMS.conditionClinical, code: 'resolved', display: 'Resolved' }], text: '治癒' });
    expect(cured.abatementDateTime).toBe('2026-06-30');
    expect(condition({ outcome: 'discontinued', endDate: new Date('2026-06-30T00:00:00Z') }).clinicalStatus!.coding![0]!.code).toBe('inactive');
    const active = condition();
    expect(active.clinicalStatus!.coding![0]!.code).toBe('active');
    expect(active.abatementDateTime).toBeUndefined();
    expect(active.onsetDateTime).toBe('2020-04-10');
    expect(active.category![0]!.coding![0]!.code).toBe('encounter-diagnosis');
  });

  it('主病名 → the DiagnosisType extension', () => {
    expect(condition({ isPrimary: true }).extension).toContainEqual({
      url: EXTENSIONS.diagnosisType,
      valueCodeableConcept: { coding: [{ system: CODE_SYSTEMS.diagnosisType, code: 'principal', display: '主病名' }] },
    });
    expect(condition().extension!.some((e) => e.url === EXTENSIONS.diagnosisType)).toBe(false);
  });

  it('flags → meta.tag LTS / UNINFORMED / UNDELIVERED; a 未告知 diagnosis is sent tagged, without its free-text note', () => {
    const c = condition({ longTermStorage: true, uninformed: true, undelivered: true, note: '本人に未説明（胃癌）' });
    expect(c.meta!.tag!.map((t) => [t.system, t.code])).toEqual([
      [CODE_SYSTEMS.indication, 'LTS'],
      [CODE_SYSTEMS.indication, 'UNINFORMED'],
      [CODE_SYSTEMS.indication, 'UNDELIVERED'],
    ]);
    expect(c.note).toBeUndefined();
    expect(condition({ note: '家族歴あり' }).note).toEqual([{ text: '家族歴あり' }]);
    expect(condition().meta!.tag).toBeUndefined();
  });
});

describe('AllergyIntolerance', () => {
  it('medicines: YCM + YJ code, GCM + YJ with ZZZ for 一般名, D9M + zeros when uncodable; category medication', () => {
    const yj = allergy();
    expect(yj.code).toEqual({ coding: [{ system: CODE_SYSTEMS.jfagyMedicationYcm, code: 'YCM1149019F1020', display: 'ロキソプロフェンナトリウム' }], text: 'ロキソプロフェンナトリウム' });
    expect(yj.category).toEqual(['medication']);
    expect(allergy({ codeSystem: 'generic', code: null }).code!.coding![0]).toMatchObject({ system: CODE_SYSTEMS.jfagyMedicationGcm, code: 'GCM1149019F1ZZZ' });
    expect(allergy({ codeSystem: null, code: null, yjCode: null, substanceName: '造影剤' }).code!.coding![0]).toMatchObject({
      system: CODE_SYSTEMS.jfagyMedicationYcm,
      code: 'D9M000000000',
    });
  });

  it('foods J9F / D9F, others J9N / D9N; その他 carries no category', () => {
    expect(allergy({ category: 'food', codeSystem: 'jfagy-food', code: 'C11310000', substanceName: 'さば' }).code!.coding![0]).toEqual({
      system: CODE_SYSTEMS.jfagyFood,
      code: 'J9FC11310000',
      display: 'さば',
    });
    expect(allergy({ category: 'food', codeSystem: null, code: null }).code!.coding![0]!.code).toBe('D9F000000000');
    expect(allergy({ category: 'environment', codeSystem: 'jfagy-nonfood', code: 'N01010000' }).code!.coding![0]).toMatchObject({
      system: CODE_SYSTEMS.jfagyNonFood,
      code: 'J9NN01010000',
    });
    const other = allergy({ category: 'other', codeSystem: null, code: null });
    expect(other.code!.coding![0]!.code).toBe('D9N000000000');
    expect(other.category).toBeUndefined();
  });

  it('severity on the reaction; a severity without symptoms has the NI null flavour; only LTS as a tag', () => {
    expect(allergy().reaction).toEqual([{ manifestation: [{ text: '蕁麻疹' }], severity: 'moderate' }]);
    expect(allergy({ reaction: null, severity: 'severe' }).reaction).toEqual([
      { manifestation: [{ extension: [{ url: EXTENSIONS.nullFlavor, valueCode: 'NI' }] }], severity: 'severe' },
    ]);
    expect(allergy({ longTermStorage: true }).meta!.tag!.map((t) => t.code)).toEqual(['LTS']);
  });

  it('an end date → resolved, with the date in a note', () => {
    const ended = allergy({ endDate: new Date('2026-01-31T00:00:00Z') });
    expect(ended.clinicalStatus!.coding![0]!.code).toBe('resolved');
    expect(ended.note).toEqual([{ text: '終了日 2026-01-31' }]);
  });
});

describe('Observation', () => {
  it('local code, core code with the FHIR識別名 of the target, JLAC10; laboratory category; specimen; performer', () => {
    const o = observation();
    expect(o.code!.coding).toEqual([
      { system: CODE_SYSTEMS.labLocal, code: 'K01', display: 'カリウム' },
      { system: CODE_SYSTEMS.labCore, code: '3H015000002326101', display: 'K' },
      { system: CODE_SYSTEMS.jlac10, code: '3H015000002326101', display: 'カリウム' },
    ]);
    expect(o.category![0]!.coding![0]!.code).toBe('laboratory');
    expect(o.specimen).toEqual({ type: 'Specimen', display: '血清' });
    expect(o.performer).toEqual([{ reference: '#performer', display: '佐藤 一郎' }]);
    expect(o.contained!.map((r) => r.resourceType)).toEqual(['Encounter', 'Practitioner']);
    expect(o.effectiveDateTime).toBe('2026-11-20T09:30:00.000+09:00');
    expect(o.hasMember).toBeUndefined();
  });

  it('infection items use the infection code system', () => {
    const o = observation({ itemKey: 'HBsAg', jlac10: null, localCode: 'HBS', itemName: 'HBs抗原', valueNumber: null, valueText: '陰性', unit: null, flag: null });
    expect(o.code!.coding![1]!.system).toBe(CODE_SYSTEMS.labInfection);
  });

  it('the display differs between 1.5.2 and 1.10.0 where the IG revised it; a code outside the target table gets no shared coding', () => {
    const glucose = { itemKey: 'GLU', jlac10: '3D010129901827101', localCode: 'GLU', itemName: '血糖' };
    expect(observation(glucose, fhirTarget('1.5.2')).code!.coding![1]).toEqual({ system: CODE_SYSTEMS.labCore, code: '3D010129901827101', display: 'BS' });
    expect(observation(glucose, fhirTarget('1.10.0')).code!.coding![1]!.display).toBe('CBG');
    // 1.5.2's 血糖 group holds only 随時 codes: the generic 血糖 code goes as a plain JLAC10 code
    const generic = observation({ ...glucose, jlac10: '3D010000002227101' }, fhirTarget('1.5.2'));
    expect(generic.code!.coding!.map((c) => c.system)).toEqual([CODE_SYSTEMS.labLocal, CODE_SYSTEMS.jlac10]);
  });

  it('an item without JLAC10 gets the 未標準化コード; display and text are normalised (no half-width kana)', () => {
    const o = observation({ itemKey: 'local:KET', jlac10: null, localCode: 'KET_001', itemName: 'ｹﾄﾝ体　尿' });
    expect(o.code!.coding).toEqual([
      { system: CODE_SYSTEMS.labLocal, code: 'KET_001', display: 'ケトン体 尿' },
      { system: CODE_SYSTEMS.labUncoded, code: '99999999999999999', display: '未標準化コード項目(JLAC)' },
    ]);
    expect(o.code!.text).toBe('ケトン体 尿');
  });

  it('value as Quantity with the comparator in its own field, text as valueString, none as dataAbsentReason', () => {
    expect(observation({ valueNumber: null, valueText: '<0.5', unit: 'mg/dL' }).valueQuantity).toEqual({ value: 0.5, unit: 'mg/dL', comparator: '<' });
    expect(observation({ valueNumber: 1000, comparator: '>=' }).valueQuantity).toEqual({ value: 1000, unit: 'mEq/L', comparator: '>=' });
    expect(observation({ valueNumber: null, valueText: '(+)' }).valueString).toBe('(+)');
    const absent = observation({ valueNumber: null, valueText: null, absentReason: 'not-performed' });
    expect(absent.valueQuantity).toBeUndefined();
    expect(absent.dataAbsentReason!.coding![0]!.code).toBe('not-performed');
  });

  it('interpretation and reference range from the flag and the range; a MERIT-9 unit code when the model has one', () => {
    const o = observation({ flag: 'H', unitCode: '9' });
    expect(o.interpretation![0]!.coding![0]!.code).toBe('H');
    expect(o.referenceRange![0]!.low).toEqual({ value: 3.6, unit: 'mEq/L', system: CODE_SYSTEMS.merit9Unit, code: '9' });
  });

  it('a revised result is corrected; the build time is JST', () => {
    expect(observation({ version: 2 }).status).toBe('corrected');
    expect(observation().status).toBe('final');
    expect(NOW.toISOString()).toBe('2026-12-04T01:00:00.000Z');
  });
});

describe('MedicationRequest (処方箋 様式 令和6年: 変更不可・患者希望・リフィル)', () => {
  const drug = (o: Partial<FhirMedicationInput> = {}) =>
    toFhirMedicationRequest(fhirTarget(), aContext().clinic, {
      lineageId: '5d0f3c9e-0000-4000-8000-00000000a001', version: 1, status: 'final', updatedAt: NOW, issuedDate: '2026-12-04', outOfHouse: true,
      rpNumber: 1, sortOrder: 1, kind: 'internal', drugCodeSystem: 'yj', drugCode: '2325003F1020', drugName: 'ガスター錠10mg', dose: 2, doseUnit: '錠',
      doseBasis: 'per_day', usageText: '1日2回朝夕食後', days: 14, genericSubstitutionAllowed: true, ...o,
    }, 'Patient/p1');

  it('leaves substitution out when the drug may be changed, and writes 後発品変更不可 with its reason otherwise', () => {
    expect(drug().substitution).toBeUndefined();
    const medical = drug({ genericSubstitutionAllowed: false, substitutionReason: 'medical' }).substitution!;
    expect(medical.allowedCodeableConcept!.coding).toEqual([{ system: CODE_SYSTEMS.substitutionProhibited, code: '1', display: '後発品変更不可' }]);
    expect(medical.reason).toEqual({ text: '医療上必要' });
    expect(drug({ genericSubstitutionAllowed: false, substitutionReason: 'patient' }).substitution!.reason).toEqual({ text: '患者希望' });
    // a 変更不可 written before the reason existed reads as 医療上必要
    expect(drug({ genericSubstitutionAllowed: false }).substitution!.reason).toEqual({ text: '医療上必要' });
    expect(JSON.stringify(drug({ genericSubstitutionAllowed: false }))).not.toContain('allowedBoolean');
  });

  it('writes リフィル as numberOfRepeatsAllowed: the uses after the first', () => {
    expect(drug().dispenseRequest).toEqual({ expectedSupplyDuration: { value: 14, unit: '日', system: CODE_SYSTEMS.ucum, code: 'd' } });
    expect(drug({ refillTimes: 3 }).dispenseRequest!.numberOfRepeatsAllowed).toBe(2);
    expect(drug({ refillTimes: 2, days: null, kind: 'external', doseBasis: 'total' }).dispenseRequest).toEqual({ numberOfRepeatsAllowed: 1 });
  });
});

describe('canonical JSON of the content hash', () => {
  /** The map/join form the content hashes were first computed with: the text must not change (stored hashes). */
  function before(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(before).join(',')}]`;
    if (value && typeof value === 'object') {
      return `{${Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => `${JSON.stringify(k)}:${before((value as Record<string, unknown>)[k])}`)
        .join(',')}}`;
    }
    return JSON.stringify(value);
  }

  it('is the same text as before for every corpus bundle and for odd values', () => {
    for (const [name, bundle] of Object.entries(brokenBundles())) expect(canonical(bundle), name).toBe(before(bundle));
    for (const odd of [[undefined, null, 1, 'a', [undefined]], { a: undefined, b: null, c: [{}], d: { e: [undefined, 'x'] } }, 'x', 1.5, null, true, [], {}, new Date(0)]) expect(canonical(odd)).toBe(before(odd));
  });
});
