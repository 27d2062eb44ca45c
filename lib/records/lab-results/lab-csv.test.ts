import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeLabCsv, parseJstDateTime, parseLabCsv } from './lab-csv';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../tests/fixtures/lab', name));

describe('parseLabCsv (UTF-8 fixture)', () => {
  const { rows, errors, encoding } = parseLabCsv(fixture('results-utf8.csv'));

  it('detects UTF-8 and returns the good rows', () => {
    expect(encoding).toBe('utf-8');
    expect(rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it('maps JLAC10, name aliases and JST times', () => {
    const ast = rows[0];
    expect(ast).toMatchObject({ patientNumber: 'P0001', jlac10: '3B035000002327201', localCode: '3B035000002327201', itemName: 'AST(GOT)', valueNumber: 25, valueText: null, unit: 'U/L', referenceLow: 13, referenceHigh: 30, specimen: '血清', specimenCode: '023', performer: 'サンプル検査センター', flag: 'N', matchedBy: 'jlac10' });
    expect(ast.item?.key).toBe('AST');
    expect(ast.collectedAt.toISOString()).toBe('2025-04-01T00:30:00.000Z');
    const alt = rows[1];
    expect([alt.item?.key, alt.matchedBy, alt.localCode, alt.jlac10, alt.flag]).toEqual(['ALT', 'name', 'L0102', null, 'H']);
    expect(rows[2].collectedAt.toISOString()).toBe('2025-03-31T15:00:00.000Z'); // date only = 00:00 JST
  });

  it('normalises qualitative values and keeps comparators', () => {
    expect(rows[3]).toMatchObject({ valueText: '(+)', valueNumber: null, flag: 'H', specimenCode: '001' });
    expect(rows[3].item?.key).toBe('UPRO');
    expect(rows[4]).toMatchObject({ valueText: '陰性', flag: 'N' });
    expect(rows[5]).toMatchObject({ valueNumber: 0.3, comparator: '<', unit: 'mg/dL' });
  });

  it('keeps unknown items with item null', () => {
    expect(rows[6]).toMatchObject({ item: null, matchedBy: null, localCode: 'X9999', itemName: 'フェリチン', valueNumber: 120, unit: 'ng/mL' });
  });

  it('reports bad rows with line numbers in Japanese', () => {
    expect(errors.map((e) => [e.line, e.column])).toEqual([
      [9, 'collectedAt'],
      [10, 'unit'],
      [11, 'patientNumber'],
      [12, 'value'],
      [13, 'code'],
    ]);
    expect(errors[0].message).toBe('9行目: 採取日時「2025-04-31 08:00」を読み取れません（YYYY-MM-DD HH:mm または YYYY/MM/DD）');
    expect(errors[1].message).toBe('10行目: 単位「g/L」がアルブミンの単位「g/dL」と一致しません（単位の換算は行いません）');
    expect(errors[2].message).toBe('11行目: 患者番号が空です');
    expect(errors[3].message).toContain('12行目: 結果値「高値」が数値ではありません');
    expect(errors[4].message).toContain('13行目: 同じ患者・項目・採取日時の結果が重複しています');
  });
});

describe('parseLabCsv (Shift_JIS fixture, header aliases)', () => {
  const buf = fixture('results-sjis.csv');
  const { rows, errors, encoding } = parseLabCsv(buf);

  it('is really Shift_JIS and is detected as such', () => {
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(buf)).toThrow();
    expect(encoding).toBe('shift_jis');
  });

  it('parses rows with alias headers and full-width names', () => {
    expect(rows.map((r) => [r.line, r.item?.key, r.valueNumber ?? r.valueText])).toEqual([
      [2, 'GGT', 88],
      [3, 'CRE', 0.72],
      [5, 'TPAb', '陰性'],
    ]);
    expect(rows[0].flag).toBe('H');
    expect(rows[1].flag).toBeNull(); // no lab range, creatinine range depends on sex
    expect(rows[0].collectedAt.toISOString()).toBe('2025-05-10T05:20:00.000Z');
    expect(rows[0].performer).toBe('(株)サンプル臨床検査');
  });

  it('reports a unit mismatch instead of converting', () => {
    expect(errors).toEqual([{ line: 4, column: 'unit', message: '4行目: 単位「mmol/L」が総コレステロールの単位「mg/dL」と一致しません（単位の換算は行いません）' }]);
  });

  it('can be forced to an encoding', () => {
    const sjis = iconv.encode('患者番号\r\n', 'cp932');
    expect(decodeLabCsv(sjis, 'shift_jis').text).toBe('患者番号\r\n');
    expect(decodeLabCsv('\uFEFFabc').text).toBe('abc');
  });
});

describe('parseLabCsv edge cases', () => {
  it('rejects a file without the required columns', () => {
    const r = parseLabCsv('患者番号,項目名,結果値\nP1,AST,20\n');
    expect(r.rows).toEqual([]);
    expect(r.errors).toEqual([{ line: 1, message: '1行目: 必須の列がありません: 採取日時、項目コード' }]);
  });

  it('accepts English headers, quoted cells, local code maps and UTF-8 BOM', () => {
    const csv = '\uFEFFpatientNumber,collectedAt,code,itemName,value,unit,referenceLow,referenceHigh\n"P 9","2025-06-01 07:05",A01,"Liver, AST",18,U/L,,\n';
    const r = parseLabCsv(Buffer.from(csv, 'utf8'), { localCodeMap: { A01: 'AST' }, defaultPerformer: '院内' });
    expect(r.errors).toEqual([]);
    expect(r.rows[0]).toMatchObject({ patientNumber: 'P 9', matchedBy: 'localCode', itemName: 'Liver, AST', performer: '院内', flag: null });
    expect(r.rows[0].item?.key).toBe('AST');
  });

  it('reports bad reference ranges and unrecognised qualitative values', () => {
    const csv = [
      '患者番号,採取日時,項目コード,項目名,結果値,単位,基準値下限,基準値上限',
      'P1,2025-06-01 08:00,3B035000002327201,AST,20,U/L,40,10',
      'P1,2025-06-01 08:00,5F016141002399811,HBs抗原,たぶん,,,',
      'P1,2025-06-01 08:00,3B045000002327201,ALT,20,U/L,abc,',
    ].join('\n');
    const r = parseLabCsv(csv);
    expect(r.rows).toEqual([]);
    expect(r.errors.map((e) => e.message)).toEqual([
      '2行目: 基準値下限（40）が上限（10）より大きいです',
      '3行目: 結果値「たぶん」はHBs抗原(定性)の値として認識できません（陰性、判定保留、陽性）',
      '4行目: 基準値下限「abc」が数値ではありません',
    ]);
  });

  it('counts physical lines across blank lines and quoted newlines', () => {
    const csv = '患者番号,採取日時,項目コード,項目名,結果値\n\nP1,2025-06-01,X1,"メモ\n付き",1\nP1,bad,X2,項目,1\n';
    const r = parseLabCsv(csv);
    expect(r.rows[0].line).toBe(3);
    expect(r.errors[0].line).toBe(5);
  });
});

describe('parseJstDateTime', () => {
  it('parses the accepted forms as JST', () => {
    expect(parseJstDateTime('2025-01-02 03:04')?.toISOString()).toBe('2025-01-01T18:04:00.000Z');
    expect(parseJstDateTime('2025/1/2')?.toISOString()).toBe('2025-01-01T15:00:00.000Z');
    expect(parseJstDateTime('20250102')?.toISOString()).toBe('2025-01-01T15:00:00.000Z');
    expect(parseJstDateTime('2024-02-29 23:59:59')?.toISOString()).toBe('2024-02-29T14:59:59.000Z');
  });
  it('rejects impossible dates', () => {
    expect(parseJstDateTime('2025-02-29')).toBeNull();
    expect(parseJstDateTime('2025-13-01')).toBeNull();
    expect(parseJstDateTime('2025-01-01 24:00')).toBeNull();
    expect(parseJstDateTime('01/02/2025')).toBeNull();
  });
});
