/**
 * A 診療情報提供書 someone else built: lib/sharing/sandbox/referral-jpclins-example.json is a JP_Bundle_eReferral made
 * like the JP-CLINS IG's example Referral01 from the IG's own example resources (see the README beside it). The
 * inbox's parser reads all of it — header, patient, every section, entries, the clinical-course DocumentReference —
 * and broken variants become Japanese problem lines, never exceptions.
 */
import { describe, expect, it } from 'vitest';
import type { Bundle } from '@medplum/fhirtypes';
import fixture from '@/lib/sharing/sandbox/referral-jpclins-example.json';
import { validateReferralDocumentWithAttachments } from '@/lib/fhir/referral-attachments-validate';
import { parseReceivedReferral } from './received-document.parse';

type Obj = Record<string, any>;
const META = { identifier: '1319876543^2022^1319876543-2022-12345678', senderInstitution: '1319876543', receivedAt: '2026-12-01T00:00:00.000Z' };
const letter = (): Obj => structuredClone(fixture) as Obj;
const composition = (b: Obj) => b.entry[0].resource as Obj;
const subsection = (b: Obj, code: string) => (composition(b).section as Obj[]).find((s) => s.code.coding[0].code === '300')!.section.find((s: Obj) => s.code.coding[0].code === code) as Obj;
const resourceAt = (b: Obj, url: string) => (b.entry as Obj[]).find((e) => e.fullUrl === url)!.resource as Obj;

describe('the JP-CLINS example letter (built by someone else)', () => {
  it('is a valid JP_Bundle_eReferral for our own validator (what the sharing service checks)', () => {
    expect(validateReferralDocumentWithAttachments(fixture as unknown as Bundle).filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('renders the sender, the destination and the patient', () => {
    const v = parseReceivedReferral(fixture, META);
    expect(v.title).toBe('診療情報提供書');
    expect(v.date).toBe('2022-06-20T10:00:00+09:00');
    expect(v.sender).toEqual({ name: '港診療所', code: '1319876543', doctor: '大河内 勘三郎' });
    expect(v.destination).toEqual({ name: '東京第一テスト病院', code: '1311234567', doctor: '野口 英世丸' });
    expect(v.patient).toEqual({ name: '牧野 爛漫', kana: 'マキノ ランマン', birthDate: '1930-06-28', sexLabel: '女', memberId: '00012345:あいう:１８７:05' });
  });

  it('renders every section in the letter\'s order, narratives as plain text with their line breaks', () => {
    const v = parseReceivedReferral(fixture, META);
    expect(v.sections.map((s) => [s.code, s.title, s.depth])).toEqual([
      ['950', '紹介目的', 1],
      ['340', '傷病名・主訴', 1],
      ['360', '現病歴', 1],
      ['370', '既往歴', 1],
      ['510', 'アレルギー・不耐性反応', 1],
      ['550', '家族歴', 1],
      ['610', '身体所見', 1],
      ['620', '検査結果', 1],
      ['330', '臨床経過', 1],
      ['430', '投薬指示', 1],
      ['220', '備考・連絡情報', 0],
    ]);
    const text = Object.fromEntries(v.sections.map((s) => [s.code, s.text]));
    expect(text).toEqual({
      '950': '腹痛精査お願いします。',
      '340': '2022-06-09 上腹部痛\n2022-05 腰痛',
      '360': '２０２２年６月上旬から夜食後に時々上腹部痛があり、だんだんひどくなっている。\n他に目立った症状なし。',
      '370': '2018年　狭心症　２ヶ月治療で軽快。\n2019年　交通事故で左前腕骨折　３ヶ月ギプス固定。',
      '510': 'サバ（サバ食後３時間ほどで全身に発疹と腹痛あり）',
      '550': '母　胃がん',
      '610': '腹部所見：上腹部圧痛あり、その他特に所見なし。',
      '620': 'カリウム 3.5 mEq/L（2021-07-05）',
      '330': '食欲不振と心窩部痛を認めた。\n上部消化管内視鏡検査を予定。',
      '430': 'タケキャブ錠10mg1錠　１日2回　朝食後、就寝時\nレバミピド錠100mg1錠　　１日3回毎食後',
      '220': 'よろしくお願いします。',
    });
    expect(v.sections.every((s) => !/[<>]/.test(s.text))).toBe(true);
  });

  it('reads the diagnoses, the allergy and the lab result, with the sender as their source', () => {
    const v = parseReceivedReferral(fixture, META);
    expect(v.diagnoses.map((d) => d.name)).toEqual(['上腹部痛', '腰痛']);
    expect(v.allergies.map((a) => a.substanceName)).toEqual(['サバ']);
    expect(v.labs).toHaveLength(1);
    expect(v.labs[0]).toMatchObject({ itemName: 'カリウム', value: '3.5', unit: 'mEq/L' });
    for (const item of [...v.diagnoses, ...v.allergies, ...v.labs]) expect(item.source).toMatchObject({ institutionNumber: '1319876543', institutionName: '港診療所' });
    expect(v.medications).toEqual([]);
  });

  it('reports the clinical-course DocumentReference whose PDF is not inside the letter as a problem (no crash)', () => {
    const v = parseReceivedReferral(fixture, META);
    expect(v.attachments).toEqual([]);
    expect(v.problems).toEqual(['添付資料「臨床経過」の中身が文書内にありません。']);
  });

  it('lists the clinical-course file when its bytes are in the letter (a Binary), under its section', () => {
    const b = letter();
    const pdf = Buffer.from('%PDF-1.4\n% 臨床経過\n%%EOF\n');
    const course = resourceAt(b, 'urn:uuid:a6e4fc73-a749-4583-94a7-18e4241b4c75');
    course.content[0].attachment.url = 'urn:uuid:5d0c6f39-8a0b-4e7c-9d8f-1f2e3d4c5b6a';
    b.entry.push({ fullUrl: 'urn:uuid:5d0c6f39-8a0b-4e7c-9d8f-1f2e3d4c5b6a', resource: { resourceType: 'Binary', id: '5d0c6f39-8a0b-4e7c-9d8f-1f2e3d4c5b6a', contentType: 'application/pdf', data: pdf.toString('base64') } });
    const v = parseReceivedReferral(b, META);
    expect(v.problems).toEqual([]);
    expect(v.attachments).toEqual([{ index: 11, title: '臨床経過', contentType: 'application/pdf', size: pdf.length, viewable: true, section: '臨床経過' }]);
  });

  it('takes 紹介元医師 from Composition.author when section 920 names only the institution', () => {
    const b = letter();
    const from = (composition(b).section as Obj[]).find((s) => s.code.coding[0].code === '920')!;
    from.entry = from.entry.filter((e: Obj) => e.type === 'Organization');
    expect(parseReceivedReferral(b, META).sender).toEqual({ name: '港診療所', code: '1319876543', doctor: '大河内 勘三郎' });
  });

  it('takes 紹介目的 from the Encounter\'s reasonCode when section 950 has no narrative', () => {
    const b = letter();
    delete subsection(b, '950').text;
    // valid as it is (the narrative is 0..1): the sharing service's validator accepts it, so it can arrive
    expect(validateReferralDocumentWithAttachments(b as Bundle).filter((i) => i.severity === 'error')).toEqual([]);
    const v = parseReceivedReferral(b, META);
    expect(v.sections.find((s) => s.code === '950')).toMatchObject({ title: '紹介目的', text: '腹痛精査お願いします。' });
  });
});

describe('broken letters become Japanese problem lines, never exceptions', () => {
  it('no Composition', () => {
    const b = letter();
    b.entry.shift();
    const v = parseReceivedReferral(b, META);
    expect(v.problems).toEqual(['文書の構成（Composition）がないため表示できません。']);
    expect(v.sections).toEqual([]);
  });

  it('a section entry pointing nowhere', () => {
    const b = letter();
    subsection(b, '510').entry[0].reference = 'urn:uuid:00000000-0000-4000-8000-000000000000';
    const v = parseReceivedReferral(b, META);
    expect(v.allergies).toEqual([]);
    expect(v.problems).toContain('「アレルギー・不耐性反応」セクションの参照先が文書内にありません。');
    expect(v.diagnoses).toHaveLength(2);
  });

  it('a Condition without code', () => {
    const b = letter();
    delete resourceAt(b, 'urn:uuid:6a31db8e-109d-4349-b0cf-095131c3307a').code;
    const v = parseReceivedReferral(b, META);
    expect(v.diagnoses.map((d) => d.name)).toEqual(['腰痛']);
    expect(v.problems).toContain('記載された情報のうち1件は形式が正しくないため表示できません。');
  });

  it('garbage anywhere', () => {
    for (const bad of [null, 'x', { resourceType: 'Bundle', type: 'document', entry: [{ resource: { resourceType: 'Composition', section: [null, 1, { section: 'x', entry: [7] }] } }] }]) {
      expect(() => parseReceivedReferral(bad, META)).not.toThrow();
      expect(parseReceivedReferral(bad, META).problems.length).toBeGreaterThan(0);
    }
  });
});
