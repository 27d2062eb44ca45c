import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { decodeBuffer, detectEncoding } from './encoding';
import { detectKindFromName, detectKindFromRecord, detectMasterKind } from './detect-kind';
import { definedOnly, mergeRecord, parseYmd } from './parse-utils';
import { parseSskDiseaseRow, parseSskDrugRow, parseSskModifierRow } from './parsers/ssk';
import { MEDIS_MOVED_KEY, parseMedisDiseaseRow, parseMedisModifierRow } from './parsers/medis';
import { parseJfagyRow } from './parsers/jfagy';
import { headerMap } from './parsers/header';
import { parseJamiUsageRow, usageKind, usageTimesPerDay } from './parsers/jami-usage';
import { parseGenericNameRow } from './parsers/generic-name';
import type { MasterRow, ParseContext, ParseResult } from './types';

const FIX = join(process.cwd(), 'tests/fixtures/masters');
const records = (file: string): string[][] => parse(decodeBuffer(readFileSync(join(FIX, file))), { relax_column_count: true });
const ctx = (changeFile = false): ParseContext => ({ changeFile, source: 'TEST', state: {} });
function rowOf(r: ParseResult): MasterRow {
  if (!r.ok || !('row' in r)) throw new Error(`not a row: ${JSON.stringify(r)}`);
  return r.row;
}

describe('Shift_JIS decoding', () => {
  it('detects and decodes the original Shift_JIS bytes', () => {
    const buf = readFileSync(join(FIX, 'b_fixture_20240601.txt'));
    expect(detectEncoding(buf)).toBe('sjis');
    expect(decodeBuffer(buf)).toContain('関節脱臼後遺症');
  });
  it('keeps UTF-8 (with or without BOM) as UTF-8', () => {
    const utf8 = Buffer.from('"JFAGYCODE","JPTERM"\r\n"J9FB13110000","鶏卵"\r\n', 'utf8');
    expect(detectEncoding(utf8)).toBe('utf8');
    expect(detectEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]))).toBe('utf8');
    // a sample cut in the middle of a multi-byte character is still UTF-8
    expect(detectEncoding(utf8.subarray(0, utf8.length - 8))).toBe('utf8');
  });
  it('decodes cp932 extensions (NEC/IBM characters, e.g. ①)', () => {
    expect(decodeBuffer(Buffer.from([0x87, 0x40]), 'sjis')).toBe('①');
  });
});

describe('dates', () => {
  it('maps YYYYMMDD, 99999999 and empty', () => {
    expect(parseYmd('20240601')).toBe('2024-06-01');
    expect(parseYmd('99999999')).toBeNull();
    expect(parseYmd('00000000')).toBeNull();
    expect(parseYmd('20240231')).toBeNull();
    expect(parseYmd('')).toBeUndefined();
  });
});

describe('支払基金 傷病名 (b)', () => {
  it('maps a full row with MEDIS codes and ICD-10', () => {
    const [fields] = records('b_fixture_20240601.txt');
    const row = rowOf(parseSskDiseaseRow(fields, ctx()));
    expect(row.partial).toBe(false);
    expect(row.values).toMatchObject({
      code: '8831601',
      name: '関節脱臼後遺症',
      kana: 'カンセツダッキュウコウイショウ',
      kanaSearch: 'カンセツダッキュウコウイショウ',
      keyNumber: '20057253',
      icd10: 'T941',
      icd10Sub: null,
      movedTo: null,
      abolishedOn: null,
      changedOn: '2002-06-01', // 変更年月日 empty → 収載年月日
    });
  });
  it('maps change rows: abolish, move, and a partial row that keeps unchanged fields', () => {
    const [abolish, move, partial] = records('b_fixture_change_20250601.txt');
    expect(rowOf(parseSskDiseaseRow(abolish, ctx())).values).toMatchObject({ code: '8831602', abolishedOn: '2025-05-31' });
    expect(rowOf(parseSskDiseaseRow(move, ctx())).values).toMatchObject({ code: '8831603', movedTo: '8831604' });
    const p = rowOf(parseSskDiseaseRow(partial, ctx()));
    expect(p.partial).toBe(true);
    expect(definedOnly(p.values)).toEqual({ code: '8848035', icd10: 'T142', changedOn: '2025-06-01', source: 'TEST' });
  });
  it('rejects a row of another master', () => {
    expect(parseSskDiseaseRow(['0', 'Z', '2049', ...Array(30).fill('')], ctx()).ok).toBe(false);
  });
});

describe('支払基金 修飾語 (z)', () => {
  it('derives prefix / suffix from the code range and 修飾語区分', () => {
    const rows = records('z_fixture_20250601.txt').map((f) => rowOf(parseSskModifierRow(f, ctx())).values);
    expect(rows.map((r) => [r.code, r.position])).toEqual([
      ['2002', 'prefix'],
      ['2003', 'prefix'],
      ['8282', 'suffix'],
      ['8283', 'suffix'],
    ]);
    expect(rows[0]).toMatchObject({ name: '遠位', kana: 'エンイ', kindCode: 'A2000000' });
  });
});

describe('支払基金 医薬品 (y) layouts', () => {
  it('40 columns: names, price, YJ / 一般名', () => {
    const rows = records('y_ALL_fixture_20240321.csv');
    expect(rows[0]).toHaveLength(40);
    const v = rowOf(parseSskDrugRow(rows.find((r) => r[2] === '620814003')!, ctx())).values;
    expect(v).toMatchObject({
      code: '620814003',
      name: 'ヘパリン類似物質ローション０．３％「日医工」',
      price: '4.00',
      unit: 'ｇ',
      dosageForm: '6',
      isGeneric: true,
      changedOn: '2024-04-01',
      abolishedOn: null,
    });
    expect(v.kana).toBe('ヘパリンルイジブッシツローション0'); // half-width kana stored as full-width
    expect(v.yjCode).toHaveLength(12);
  });
  it('42 columns (change file): 変更 rows fill only their fields, 廃止 rows abolish', () => {
    const rows = records('y_fixture_20250813.csv');
    expect(rows[0]).toHaveLength(42);
    const change = rowOf(parseSskDrugRow(rows.find((r) => r[2] === '620814003')!, ctx(true)));
    expect(change.partial).toBe(true);
    expect(definedOnly(change.values)).toEqual({
      code: '620814003',
      changedOn: '2025-08-14',
      genericCode: '3339950QBZZZ',
      genericName: '【般】ヘパリン類似物質外用液０．３％（水性）',
      source: 'TEST',
    });
    const abolish = rowOf(parseSskDrugRow(rows.find((r) => r[0] === '9')!, ctx(true)));
    expect(definedOnly(abolish.values)).toMatchObject({ code: '622207101', abolishedOn: '2025-08-13', changedOn: '2025-08-13' });
    const added = rowOf(parseSskDrugRow(rows.find((r) => r[0] === '3')!, ctx(true)));
    expect(added.partial).toBe(false);
    expect(added.values.name).toContain('アルプロスタジル');
  });
  it('35 columns: no 一般名 columns, so they stay undefined (kept)', () => {
    const [fields] = records('y_fixture_35col.csv');
    expect(fields).toHaveLength(35);
    const v = rowOf(parseSskDrugRow(fields, ctx())).values;
    expect(v.code).toBe('620003465');
    expect(v.yjCode).toBe('2251001R1107');
    expect(v.genericCode).toBeUndefined();
    expect(v.genericName).toBeUndefined();
  });
  it('rejects unknown layouts', () => {
    expect(parseSskDrugRow(Array(38).fill('0'), ctx())).toMatchObject({ ok: false });
  });
});

describe('change-file merge', () => {
  it('never blanks out stored values with empty fields', () => {
    const stored = { code: '620814003', name: 'ヘパリン類似物質ローション０．３％「日医工」', price: '4.00', genericCode: null };
    const [fields] = records('y_fixture_20250813.csv').filter((r) => r[2] === '620814003');
    const merged = mergeRecord(stored, rowOf(parseSskDrugRow(fields, ctx(true))).values);
    expect(merged).toMatchObject({ name: stored.name, price: '4.00', genericCode: '3339950QBZZZ', changedOn: '2025-08-14' });
  });
});

describe('MEDIS nmain / mdfy', () => {
  it('maps nmain rows and carries the 移行先病名管理番号', () => {
    const rows = records('nmain_fixture.txt').map((f) => rowOf(parseMedisDiseaseRow(f, ctx())).values);
    expect(rows[0]).toMatchObject({ code: '8842152', keyNumber: '20086510', name: '関節リウマチ・肩関節', icd10: 'M0691' });
    expect(rows[0][MEDIS_MOVED_KEY]).toBe('20104450');
    expect(rows[0].abolishedOn).toBe('2024-06-01');
    expect(rows[1][MEDIS_MOVED_KEY]).toBeUndefined();
  });
  it('maps mdfy rows to the レセ電算 modifier code', () => {
    const rows = records('mdfy_fixture.txt').map((f) => rowOf(parseMedisModifierRow(f, ctx())).values);
    expect(rows.map((r) => [r.code, r.keyNumber, r.position])).toEqual([
      ['1126', '27001416', 'prefix'],
      ['8286', '27002383', 'suffix'],
    ]);
  });
  it('reports a row without レセ電算コード', () => {
    const r = parseMedisDiseaseRow(['0', '20086510', '病名', 'ビョウメイ', '1', 'KLB5', '', '', '', '', '', '', '', '', '', ''], ctx());
    expect(r).toMatchObject({ ok: false });
  });
});

describe('J-FAGY, JAMI 用法, 一般名処方マスタ', () => {
  it('maps J-FAGY rows, keeping deleted codes with their end date', () => {
    const [header, ...rows] = records('JFAGY_J9FN_20250401_R01_fixture_sjis.csv');
    const h = headerMap(header);
    const byCode = new Map(rows.map((f) => [f[1], rowOf(parseJfagyRow(f, h, ctx())).values]));
    expect(byCode.get('J9FB13110000')).toMatchObject({ category: 'food', name: '鶏卵', kana: 'ケイラン' });
    expect(byCode.get('J9NM12110000')).toMatchObject({ category: 'nonfood' });
    expect(byCode.get('J9FA32111600')?.endedOn).toBe('2025-03-31');
    expect(byCode.get('J9FA32113211')?.endedOn).toBeNull();
  });
  it('derives usage kind and times per day from the JAMI code', () => {
    expect([usageKind('1013044400000000'), usageTimesPerDay('1013044400000000')]).toEqual(['internal', 3]);
    expect([usageKind('1050110000000000'), usageTimesPerDay('1050110000000000')]).toEqual(['as_needed', null]);
    expect([usageKind('2B71200000000000'), usageTimesPerDay('2B71200000000000')]).toEqual(['external', null]);
    expect(usageTimesPerDay('1023000000000000')).toBe(3);
    expect(usageTimesPerDay('101X000000000000')).toBeNull();
    const [header, first] = records('jami_usage_fixture.csv');
    expect(rowOf(parseJamiUsageRow(first, headerMap(header), ctx())).values).toMatchObject({
      code: '1013044400000000',
      kind: 'internal',
      timesPerDay: 3,
    });
  });
  it('reads 一般名処方マスタ rows and 例外コード continuation rows', () => {
    const [header, row] = records('ippanmeishohoumaster_fixture.csv');
    expect(parseGenericNameRow(row, headerMap(header), ctx())).toEqual({
      ok: true,
      generic: { genericCode: '2251001R1ZZZ', genericName: '【般】テオフィリンシロップ用２０％' },
    });
    const exHeader = headerMap(['区分', '一般名コード', '一般名処方の標準的な記載', '成分名', '規格', '薬価基準収載医薬品コード']);
    const c = ctx();
    parseGenericNameRow(['内用薬', '1139004GAZZZ', '【般】バルプロ酸Ｎａ徐放錠２００ｍｇ', '', '', '1139004G2012'], exHeader, c);
    expect(parseGenericNameRow(['', '', '', '', '', '1139004G2063'], exHeader, c)).toEqual({
      ok: true,
      generic: { genericCode: '1139004GAZZZ', genericName: '【般】バルプロ酸Ｎａ徐放錠２００ｍｇ', yjCode: '1139004G2063' },
    });
  });
});

describe('kind detection', () => {
  it('detects from file names and first records', () => {
    expect(detectKindFromName('b_20240601.txt')).toBe('ssk-disease');
    expect(detectKindFromName('y_ALL20240321.csv')).toBe('ssk-drug');
    expect(detectKindFromName('y_20250813.csv')).toBe('ssk-drug');
    expect(detectKindFromName('z_20250601.txt')).toBe('ssk-modifier');
    expect(detectKindFromName('nmain518.txt')).toBe('medis-disease');
    expect(detectKindFromName('JFAGY_J9FN_20250401_R01.csv')).toBe('jfagy');
    expect(detectKindFromRecord(['0', 'Y', '610406079', ...Array(37).fill('')])).toBe('ssk-drug');
    expect(detectMasterKind('upload.csv', readFileSync(join(FIX, 'b_fixture_20240601.txt')))).toBe('ssk-disease');
    expect(detectMasterKind('upload.csv', readFileSync(join(FIX, 'jlac10_fixture.csv')))).toBe('jlac10');
  });
});
