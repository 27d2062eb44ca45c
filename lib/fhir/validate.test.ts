import type { AllergyIntolerance, Bundle, Condition, Observation, Patient } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildUnitBundle } from './bundle';
import type { FhirIssue } from './issues';
import { CODE_SYSTEMS } from './profiles';
import { NOW, aContext, aDiagnosis, aLabResult, aPatient, anAllergy } from './test-fixtures';
import type { FhirAllergyInput, FhirDiagnosisInput, FhirLabResultInput, FhirPatientInput } from './types';
import { isSendable, loadFhirProfiles, validateBundle, validateBundleUncached } from './validate';

beforeAll(() => loadFhirProfiles(), 60_000);

const patientId = aPatient().id;
const dxId = aDiagnosis().lineageId;
const alId = anAllergy().lineageId;
const labId = aLabResult().lineageId;

const conditionBundle = (d: Partial<FhirDiagnosisInput> = {}, p: Partial<FhirPatientInput> = {}) =>
  buildUnitBundle(aContext(), { kind: 'condition', patient: aPatient(p), diagnoses: [aDiagnosis(d)] })!.bundle;
const allergyBundle = (a: Partial<FhirAllergyInput> = {}) => buildUnitBundle(aContext(), { kind: 'allergy', patient: aPatient(), allergies: [anAllergy(a)] })!.bundle;
const labBundle = (l: Partial<FhirLabResultInput> = {}) =>
  buildUnitBundle(aContext(), { kind: 'lab-report', patient: aPatient(), reportKey: 'R1', results: [aLabResult(l)] })!.bundle;

/** The bundle after `edit` changed it the way a faulty sender would. */
function tampered<T>(bundle: Bundle, index: number, edit: (r: T) => void): Bundle {
  const copy = structuredClone(bundle);
  edit(copy.entry![index]!.resource as T);
  return copy;
}

const errors = (issues: FhirIssue[]) => issues.filter((i) => i.severity === 'error');

function expectIssue(issues: FhirIssue[], expected: { rule: string; recordId: string | null; field?: string; message: RegExp; severity?: 'error' | 'warning' }) {
  const found = issues.filter((i) => i.rule === expected.rule && i.recordId === expected.recordId);
  expect(found, `no ${expected.rule} on ${expected.recordId}; got ${JSON.stringify(issues, null, 1)}`).toHaveLength(1);
  const issue = found[0]!;
  expect(issue.message).toMatch(expected.message);
  expect(issue.severity).toBe(expected.severity ?? 'error');
  if (expected.field) expect(issue.field).toBe(expected.field);
}

describe('valid bundles', () => {
  it('the three kinds of unit built from complete records validate against the 1.5.2 profiles without errors or warnings', () => {
    for (const bundle of [conditionBundle({ isPrimary: true, longTermStorage: true, uninformed: true }), allergyBundle(), labBundle()]) {
      expect(validateBundleUncached(bundle)).toEqual([]);
    }
  });

  it('ended, suspected, modified and 未提供 diagnoses, food allergies and text results are valid too', () => {
    const bundle = buildUnitBundle(aContext(), {
      kind: 'condition',
      patient: aPatient({ familyNameKana: 'やまだ' }),
      diagnoses: [
        aDiagnosis({ lineageId: 'd-ended', outcome: 'cured', endDate: new Date('2025-03-01T00:00:00Z') }),
        aDiagnosis({ lineageId: 'd-suspected', isSuspected: true, undelivered: true }),
        aDiagnosis({ lineageId: 'd-modified', modifiers: [{ code: '2052', name: '左', position: 'prefix', keyNumber: 'QXYZ' }] }),
      ],
    })!.bundle;
    expect(validateBundleUncached(bundle)).toEqual([]);
    expect(errors(validateBundleUncached(allergyBundle({ category: 'food', codeSystem: 'jfagy-food', code: 'C11310000', substanceName: 'さば' })))).toEqual([]);
    expect(errors(validateBundleUncached(labBundle({ valueNumber: null, valueText: '(+)', unit: null })))).toEqual([]);
    expect(isSendable(validateBundle(labBundle()))).toBe(true);
  });
});

describe('Patient rules', () => {
  it('no 医療保険: not sendable, the insurance is named as what to fix', () => {
    const issues = validateBundleUncached(conditionBundle({}, { insurance: null }));
    expectIssue(issues, { rule: 'valid-system-insurance-patientIdentifier', recordId: patientId, field: '保険証（保険者番号・記号・番号・枝番）', message: /医療保険が登録されていないため送信できません/ });
    expect(issues.some((i) => i.rule === 'valid-value-insurance-patientIdentifier')).toBe(false);
    expect(isSendable(issues)).toBe(false);
  });

  it('生活保護 only: held under 1.5.2, with the reason', () => {
    const issues = validateBundleUncached(conditionBundle({}, { insurance: null, publicExpenses: [{ payerNumber: '12136015', recipientNumber: '1234567' }] }));
    expectIssue(issues, { rule: 'valid-system-insurance-patientIdentifier', recordId: patientId, message: /生活保護（公費）のみの患者です/ });
  });

  it('a malformed member ID breaks the profile invariant R1013', () => {
    const bundle = tampered<Patient>(conditionBundle(), 0, (p) => (p.identifier![1]!.value = '138057:12:345:1'));
    expectIssue(validateBundleUncached(bundle), { rule: 'valid-value-insurance-patientIdentifier', recordId: patientId, message: /被保険者識別子情報の形式は/ });
  });

  it('no address: the required element is named', () => {
    expectIssue(validateBundleUncached(conditionBundle({}, { address: null })), { rule: 'structure', recordId: patientId, field: '住所', message: /住所がありません（必須項目）/ });
  });

  it('a full-width space in the name breaks the profile invariant', () => {
    const bundle = tampered<Patient>(conditionBundle(), 0, (p) => (p.name![0]!.text = '山田　太郎'));
    expectIssue(validateBundleUncached(bundle), { rule: 'kanjiName-kanaName-donot-contain-ZenkakuKuuhaku', recordId: patientId, message: /全角空白/ });
  });
});

describe('Bundle rules', () => {
  it('an identifier that is not 医療機関コード^年^id', () => {
    const bundle = buildUnitBundle(aContext({ bundleIdentifier: '131123456^2026^x_1' }), { kind: 'condition', patient: aPatient(), diagnoses: [aDiagnosis()] })!.bundle;
    expectIssue(validateBundleUncached(bundle), { rule: 'valid-value-bundleIdenfifier', recordId: null, message: /医療機関番号10桁\^西暦/ });
  });

  it('an institution number that is not 都道府県2桁・点数表1桁・7桁, named on each record', () => {
    const bundle = buildUnitBundle(aContext({ clinic: { institutionNumber: '5311234567', name: 'x' }, bundleIdentifier: '1311234567^2026^C1' }), {
      kind: 'condition',
      patient: aPatient(),
      diagnoses: [aDiagnosis()],
    })!.bundle;
    const issues = validateBundleUncached(bundle);
    expectIssue(issues, { rule: 'all-entries-needs-valid-institutionNumber', recordId: dxId, message: /医療機関コード「5311234567」が正しくありません/ });
    expect(issues.some((i) => i.rule === 'all-entries-needs-valid-institutionNumber' && i.recordId === null)).toBe(false);
  });

  it('Patient not first', () => {
    const bundle = structuredClone(conditionBundle());
    bundle.entry!.reverse();
    expectIssue(validateBundleUncached(bundle), { rule: 'first-bundle-entry-is-Patient', recordId: null, message: /先頭に患者情報がありません/ });
  });

  it('two kinds of record in one unit', () => {
    const bundle = structuredClone(conditionBundle());
    bundle.entry!.push(allergyBundle().entry![1]!);
    expectIssue(validateBundleUncached(bundle), { rule: 'one-resource-type', recordId: alId, message: /傷病名の送信単位に入れられません/ });
  });

  it('a repeated fullUrl', () => {
    const bundle = structuredClone(conditionBundle());
    bundle.entry![1]!.fullUrl = bundle.entry![0]!.fullUrl;
    expectIssue(validateBundleUncached(bundle), { rule: 'fullUrl-unique', recordId: null, message: /重複/ });
  });
});

describe('Condition rules', () => {
  it('no department: reported on the diagnosis (the bundle invariant is not repeated)', () => {
    const issues = validateBundleUncached(conditionBundle({ department: null }));
    expectIssue(issues, { rule: 'condition-needs-extension-of-Department', recordId: dxId, field: '診療科・主病名', message: /診療科が設定されていません/ });
  });

  it('no onset date', () => {
    const bundle = tampered<Condition>(conditionBundle(), 1, (c) => delete c.onsetDateTime);
    expectIssue(validateBundleUncached(bundle), { rule: 'condition-needs-onsetDateTime', recordId: dxId, message: /開始日がありません/ });
  });

  it('an uncoded diagnosis is a warning, not an error', () => {
    const issues = validateBundleUncached(conditionBundle({ medisKeyNumber: null }));
    expectIssue(issues, { rule: 'uncoded-disease', recordId: dxId, severity: 'warning', message: /コード化されていない病名として送信されます/ });
    expect(isSendable(issues)).toBe(true);
  });

  it('a tag outside LTS / UNINFORMED / UNDELIVERED', () => {
    const bundle = tampered<Condition>(conditionBundle(), 1, (c) => (c.meta!.tag = [{ system: CODE_SYSTEMS.indication, code: 'SECRET' }]));
    expectIssue(validateBundleUncached(bundle), { rule: 'condition-tags', recordId: dxId, message: /フラグ「SECRET」は使えません/ });
  });

  it('a modifier without its MEDIS 修飾語管理番号', () => {
    const bundle = tampered<Condition>(conditionBundle({ modifiers: [{ code: '2052', name: '左', position: 'prefix', keyNumber: 'QXYZ' }] }), 1, (c) => {
      c.code!.extension![0]!.valueCodeableConcept!.coding = c.code!.extension![0]!.valueCodeableConcept!.coding!.filter((x) => x.system !== CODE_SYSTEMS.medisModifier);
    });
    expectIssue(validateBundleUncached(bundle), { rule: 'modifier-key-number', recordId: dxId, field: '修飾語', message: /修飾語管理番号がありません/ });
  });

  it('a verificationStatus outside the code table, and a 管理番号 that is not 8 digits', () => {
    const bundle = tampered<Condition>(conditionBundle(), 1, (c) => {
      c.verificationStatus!.coding![0]!.code = 'maybe';
      c.code!.coding![0]!.code = '123';
    });
    const issues = validateBundleUncached(bundle);
    expectIssue(issues, { rule: 'verification-binding', recordId: dxId, field: '疑い', message: /確定・疑いの区別/ });
    expectIssue(issues, { rule: 'medisRecordNo-format', recordId: dxId, message: /病名管理番号「123」の形式が正しくありません/ });
  });

  it('no code.text', () => {
    const bundle = tampered<Condition>(conditionBundle(), 1, (c) => delete c.code!.text);
    const issues = validateBundleUncached(bundle);
    expectIssue(issues, { rule: 'code-text', recordId: dxId, message: /傷病名の名称がありません/ });
    expect(issues.some((i) => i.rule === 'structure' && i.recordId === dxId && /傷病名（コード）がありません/.test(i.message))).toBe(true);
  });
});

describe('AllergyIntolerance rules', () => {
  it('a medicine code under a non-medication category', () => {
    expectIssue(validateBundleUncached(allergyBundle({ category: 'food' })), { rule: 'allergy-category', recordId: alId, field: '分類', message: /分類が「薬剤」ではありません/ });
  });

  it('a tag other than LTS', () => {
    const bundle = tampered<AllergyIntolerance>(allergyBundle(), 1, (a) => (a.meta!.tag = [{ system: CODE_SYSTEMS.indication, code: 'UNINFORMED' }]));
    expectIssue(validateBundleUncached(bundle), { rule: 'allergy-tags', recordId: alId, message: /長期保存のみ/ });
  });

  it('a code not in the YCM/GCM/J9F/J9N/D9x form', () => {
    const bundle = tampered<AllergyIntolerance>(allergyBundle(), 1, (a) => (a.code!.coding![0]!.code = '1149019F1020'));
    expectIssue(validateBundleUncached(bundle), { rule: 'allergen-code-form', recordId: alId, message: /アレルゲンコード「1149019F1020」の形式/ });
  });

  it('an uncodable allergen is sent with the dummy code, as a warning', () => {
    expectIssue(validateBundleUncached(allergyBundle({ codeSystem: null, code: null, yjCode: null, substanceName: 'ヨード造影剤' })), {
      rule: 'allergen-dummy',
      recordId: alId,
      severity: 'warning',
      message: /ヨード造影剤.*ダミーコード/,
    });
  });
});

describe('Observation rules', () => {
  it('no ordering doctor', () => {
    expectIssue(validateBundleUncached(labBundle({ orderingDoctor: null })), { rule: 'performer', recordId: labId, field: '依頼医', message: /依頼医が設定されていません/ });
  });

  it('neither a value nor a reason for its absence', () => {
    const bundle = tampered<Observation>(labBundle({ valueNumber: null }), 1, (o) => delete o.dataAbsentReason);
    expectIssue(validateBundleUncached(bundle), { rule: 'value-or-absent-reason', recordId: labId, field: '結果値', message: /結果値がありません/ });
  });

  it('a local code with characters the IG forbids', () => {
    expectIssue(validateBundleUncached(labBundle({ localCode: 'K 01' })), { rule: 'local-code-chars', recordId: labId, message: /施設固有コード「K 01」/ });
  });

  it('a shared code with another display, and one outside the 43+5 table', () => {
    const wrongDisplay = tampered<Observation>(labBundle(), 1, (o) => (o.code!.coding![1]!.display = 'カリウム'));
    expectIssue(validateBundleUncached(wrongDisplay), { rule: 'shared-code-display', recordId: labId, message: /表示名は「K」でなければなりません/ });
    const notInTable = tampered<Observation>(labBundle(), 1, (o) => (o.code!.coding![1]!.code = '3H015000009999999'));
    expectIssue(validateBundleUncached(notInTable), { rule: 'shared-code-in-valueset', recordId: labId, message: /指定検査43項目のコードにありません/ });
  });

  it('a 43-item result whose JLAC10 code is not in 1.5.2 goes without the shared code, as a warning', () => {
    expectIssue(validateBundleUncached(labBundle({ itemKey: 'GLU', jlac10: '3D010000002227101', localCode: 'GLU', itemName: '血糖', unit: 'mg/dL' })), {
      rule: 'shared-code-missing',
      recordId: labId,
      severity: 'warning',
      message: /「血糖」は指定検査項目ですが/,
    });
  });

  it('half-width kana in the item name', () => {
    const bundle = tampered<Observation>(labBundle(), 1, (o) => (o.code!.text = 'ｶﾘｳﾑ'));
    expectIssue(validateBundleUncached(bundle), { rule: 'lab-text-characters', recordId: labId, message: /半角カナ/ });
  });

  it('no department: on the result', () => {
    expectIssue(validateBundleUncached(labBundle({ department: null })), { rule: 'observation-needs-extension-of-Department', recordId: labId, message: /診療科が設定されていません/ });
  });

  it('no specimen, and a status outside the code table', () => {
    const bundle = tampered<Observation>(labBundle(), 1, (o) => {
      delete o.specimen;
      (o as { status: string }).status = 'done';
    });
    const issues = validateBundleUncached(bundle);
    expectIssue(issues, { rule: 'specimen', recordId: labId, field: '材料', message: /材料（血清・尿など）がありません/ });
    expectIssue(issues, { rule: 'status-binding', recordId: labId, message: /状態が正しくありません/ });
  });

  it('no contained Encounter: the bundle invariant and the dangling reference are reported on the result', () => {
    const bundle = tampered<Observation>(labBundle(), 1, (o) => (o.contained = o.contained!.filter((c) => c.resourceType !== 'Encounter')));
    const issues = validateBundleUncached(bundle);
    expectIssue(issues, { rule: 'observation-needs-contained-of-Encounter', recordId: labId, message: /受診情報（外来・入院）がありません/ });
    expectIssue(issues, { rule: 'ref-1', recordId: labId, message: /#encounter が埋め込みリソースにありません/ });
  });

  it('a reference range whose low is above its high', () => {
    expectIssue(validateBundleUncached(labBundle({ referenceLow: 5, referenceHigh: 3 })), { rule: 'rng-2', recordId: labId, message: /下限 5 が上限 3 より大きく/ });
  });
});

describe('cache', () => {
  it('returns the same issues for the same bundle and sees a change', () => {
    const bundle = labBundle({ orderingDoctor: null });
    expect(validateBundle(bundle)).toBe(validateBundle(structuredClone(bundle)));
    expect(validateBundle(labBundle())).toEqual([]);
    expect(NOW.getUTCFullYear()).toBe(2026);
  });
});
