import type { Composition, CompositionSection } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReferralBundle, type ReferralDocumentInput } from './referral';
import { loadReferralProfiles, validateReferralBundle } from './referral-validate';
import { NOW, aContext, aDiagnosis, aLabResult, aPatient, anAllergy } from './test-fixtures';

beforeAll(() => loadReferralProfiles(), 60_000);

const letter = (overrides: Partial<ReferralDocumentInput> = {}): ReferralDocumentInput => ({
  lineageId: '7d1f3c2a-1111-4222-8333-444455556666',
  version: 1,
  confirmedAt: NOW,
  clinic: { ...aContext().clinic, address: '東京都千代田区1-1' },
  author: { id: 'doctor-1', name: '山田 医師', licenseNumber: '123456' },
  destination: { code: '0019990011', name: '青葉台総合病院', department: '循環器内科', doctor: '佐藤 一郎' },
  patient: aPatient(),
  sections: { purpose: '精査加療のお願い', chiefComplaint: '労作時胸痛', presentIllness: '1か月前から労作時に胸痛', pastHistory: '', familyHistory: '父 心筋梗塞', clinicalCourse: '', medications: 'アムロジピン 5mg 1日1回', remarks: '', diagnosesNote: '', allergiesNote: '', labsNote: '' },
  diagnoses: [aDiagnosis({ isPrimary: true })],
  allergies: [anAllergy()],
  labReports: [{ reportKey: 'r1', results: [aLabResult()] }],
  ...overrides,
});

const composition = (b: ReturnType<typeof buildReferralBundle>) => b.bundle.entry![0]!.resource as Composition;
const codes = (sections: CompositionSection[] = []) => sections.map((s) => s.code!.coding![0]!.code);

describe('JP_Bundle_eReferral', () => {
  it('is a document: Composition first, the sections the profile requires, Practitioner with 医籍登録番号, Organizations with 医療機関コード, and valid', () => {
    const built = buildReferralBundle(letter());
    expect(built.bundle.type).toBe('document');
    expect(built.identifier).toMatch(/^\d{10}\^2026\^R[0-9a-f]{32}$/);
    const c = composition(built);
    expect(codes(c.section)).toEqual(['920', '910', '300']);
    expect(codes(c.section![2]!.section)).toEqual(['950', '340', '360', '510', '550', '620', '430']);
    const types = built.bundle.entry!.map((e) => e.resource!.resourceType);
    expect(types.slice(0, 2)).toEqual(['Composition', 'Patient']);
    expect(types).toEqual(expect.arrayContaining(['Practitioner', 'Organization', 'Condition', 'AllergyIntolerance', 'Observation']));
    const practitioner = built.bundle.entry!.find((e) => e.resource!.resourceType === 'Practitioner')!.resource as { qualification?: { identifier?: { value?: string }[] }[] };
    expect(practitioner.qualification![0]!.identifier![0]!.value).toBe('123456');
    // the clinical entries are the 6情報 mapping's own resources
    expect(built.units.map((u) => u.bundle.meta!.tag![0]!.code).sort()).toEqual(['AllergyIntolerance', 'Condition', 'Observation']);
    expect(validateReferralBundle(built)).toEqual([]);
  });

  it('a letter without a 傷病名, or to an institution without 医療機関コード, fails with Japanese messages', () => {
    const issues = validateReferralBundle(buildReferralBundle(letter({ diagnoses: [], destination: { code: null, name: '近所の病院', department: '', doctor: '' } })));
    expect(issues.map((i) => i.message)).toEqual(
      expect.arrayContaining(['傷病名を1つ以上記載してください（傷病名・主訴セクションは必須）。', expect.stringContaining('紹介先の医療機関コード（10桁）がありません。')]),
    );
  });

  it('the Composition is checked against JP_Composition_eReferral: a changed fixed value or a missing 紹介元 section is found', () => {
    const built = buildReferralBundle(letter());
    const c = composition(built);
    c.title = '紹介状';
    c.section = c.section!.slice(1);
    const messages = validateReferralBundle(built).map((i) => i.message).join('\n');
    expect(messages).toContain('Composition.title');
    expect(messages).toContain('referralFromSection');
  });

  it('an error in a clinical entry is the 6情報 validator\'s, naming the record', () => {
    const built = buildReferralBundle(letter({ diagnoses: [aDiagnosis({ isPrimary: true, startDate: '' as unknown as string })] }));
    const issues = validateReferralBundle(built);
    expect(issues.some((i) => i.resourceType === 'Condition' && i.recordId)).toBe(true);
  });
});
