import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { db, disconnectDb } from '@/lib/core/db';
import { importMasterFile } from './import-master';
import { getMasterImport } from './master-import.repository';
import { getDiseasesByCodes, getDrugsByCodes, searchDiseases, searchDrugs, searchModifiers } from './master-search.repository';

const FIX = join(process.cwd(), 'tests/fixtures/masters');
afterAll(() => disconnectDb());

describe('支払基金 b: import, change file, re-import', () => {
  it('imports Shift_JIS rows, records the run, and searches by kanji / hiragana / katakana', async () => {
    const result = await importMasterFile({ kind: 'ssk-disease', filePath: join(FIX, 'b_fixture_20240601.txt') });
    expect(result).toMatchObject({ status: 'done', processedRows: 6, totalRows: 6, errorCount: 0 });
    expect(result.inserted + result.updated + result.skippedOlder).toBe(6);
    const run = await getMasterImport(result.importId);
    expect(run).toMatchObject({ kind: 'ssk-disease', status: 'done', processedRows: 6, totalRows: 6 });
    expect(run?.finishedAt).toBeInstanceOf(Date);

    const byKanji = await searchDiseases('関節脱臼後遺', 10);
    expect(byKanji[0]).toMatchObject({ code: '8831601', name: '関節脱臼後遺症', icd10: 'T941', keyNumber: '20057253' });
    const byHiragana = await searchDiseases('かんせつだっきゅう', 10);
    expect(byHiragana.map((d) => d.code)).toContain('8831601');
    const byHalfWidth = await searchDiseases('ｶﾝｾﾂﾀﾞｯｷｭｳ', 10);
    expect(byHalfWidth.map((d) => d.code)).toContain('8831601');
  });

  it('applies the change file: abolishes, moves, merges a partial row; an older re-import does not revive', async () => {
    await importMasterFile({ kind: 'ssk-disease', filePath: join(FIX, 'b_fixture_20240601.txt') });
    const change = await importMasterFile({ kind: 'ssk-disease', filePath: join(FIX, 'b_fixture_change_20250601.txt') });
    expect(change).toMatchObject({ status: 'done', processedRows: 3, errorCount: 0, abolished: 2 });
    const rows = Object.fromEntries((await getDiseasesByCodes(['8831602', '8831603', '8848035'])).map((r) => [r.code, r]));
    expect(rows['8831602']).toMatchObject({ abolishedOn: '2025-05-31', name: '関節打撲' });
    expect(rows['8831603']).toMatchObject({ abolishedOn: '2025-05-31', movedTo: '8831604', name: '関節軟骨腫瘍' });
    // partial row: ICD-10 changed, name and kana kept
    expect(rows['8848035']).toMatchObject({ icd10: 'T142', name: '関節内骨折', kana: 'カンセツナイコッセツ' });

    // abolished codes leave the search but stay resolvable
    const hits = await searchDiseases('関節打撲', 10);
    expect(hits.map((h) => h.code)).not.toContain('8831602');
    const withAbolished = await searchDiseases('関節打撲', 10, { includeAbolished: true });
    expect(withAbolished.map((h) => h.code)).toContain('8831602');

    // re-importing the older full file updates in place but never revives or downgrades newer rows
    const again = await importMasterFile({ kind: 'ssk-disease', filePath: join(FIX, 'b_fixture_20240601.txt') });
    expect(again.inserted).toBe(0);
    expect(again.skippedOlder).toBe(3);
    const after = Object.fromEntries((await getDiseasesByCodes(['8831602', '8848035', '8831601'])).map((r) => [r.code, r]));
    expect(after['8831602'].abolishedOn).toBe('2025-05-31');
    expect(after['8848035'].icd10).toBe('T142');
    expect(after['8831601'].abolishedOn).toBeNull();
    const count = await db().diseaseMaster.count({ where: { code: { in: ['8831601', '8831602', '8831603', '8831604', '8831606', '8848035'] } } });
    expect(count).toBe(6);
  });
});

describe('支払基金 z', () => {
  it('imports modifiers with their position and finds them by kana', async () => {
    const result = await importMasterFile({ filePath: join(FIX, 'z_fixture_20250601.txt') });
    expect(result).toMatchObject({ kind: 'ssk-modifier', status: 'done', processedRows: 4, errorCount: 0 });
    const suffix = await searchModifiers('・こうぶんか', 20);
    expect(suffix.find((m) => m.code === '8282')).toMatchObject({ code: '8282', name: '・高分化型', position: 'suffix', keyNumber: '27002379' });
    const prefix = await searchModifiers('遠位', 20);
    expect(prefix.find((m) => m.code === '2002')).toMatchObject({ position: 'prefix' });
  });
});

describe('支払基金 y: 40-column full, 42-column change, 35-column + 一般名処方マスタ', () => {
  it('imports, applies the change file (fills only changed fields, abolishes, adds) and searches', async () => {
    const full = await importMasterFile({ filePath: join(FIX, 'y_ALL_fixture_20240321.csv') });
    expect(full).toMatchObject({ kind: 'ssk-drug', status: 'done', processedRows: 3, errorCount: 0 });
    const change = await importMasterFile({ filePath: join(FIX, 'y_fixture_20250813.csv'), encoding: 'sjis' });
    expect(change).toMatchObject({ status: 'done', processedRows: 4, errorCount: 0, abolished: 1 });
    const rows = Object.fromEntries(
      (await getDrugsByCodes(['620814003', '620814101', '622207101', '621620702'])).map((r) => [r.code, r]),
    );
    expect(rows['620814003']).toMatchObject({
      name: 'ヘパリン類似物質ローション０．３％「日医工」', // kept: the change row has no name
      price: 4,
      unit: 'ｇ',
      isGeneric: true,
      genericCode: '3339950QBZZZ',
      genericName: '【般】ヘパリン類似物質外用液０．３％（水性）',
    });
    expect(rows['622207101'].abolishedOn).toBe('2025-08-13');
    expect(rows['621620702'].name).toContain('アルプロスタジル注５μｇシリンジ');

    const byKatakana = await searchDrugs('ヘパリン類似物質ローション', 10);
    expect(byKatakana.map((d) => d.code)).toEqual(expect.arrayContaining(['620814003', '620814101']));
    const byHiragana = await searchDrugs('あるぷろすたじるちゅう', 100);
    const codes = byHiragana.map((d) => d.code);
    expect(codes).toContain('621620702');
    expect(codes).not.toContain('622207101'); // abolished
  });

  it('35-column rows keep the 一般名 the 一般名処方マスタ fills in', async () => {
    const r35 = await importMasterFile({ kind: 'ssk-drug', filePath: join(FIX, 'y_fixture_35col.csv'), changeFile: false });
    expect(r35).toMatchObject({ status: 'done', processedRows: 1, errorCount: 0 });
    const generic = await importMasterFile({ filePath: join(FIX, 'ippanmeishohoumaster_fixture.csv') });
    expect(generic).toMatchObject({ kind: 'generic-name', status: 'done', errorCount: 0 });
    await importMasterFile({ kind: 'ssk-drug', filePath: join(FIX, 'y_fixture_35col.csv'), changeFile: false });
    const [drug] = await getDrugsByCodes(['620003465']);
    expect(drug).toMatchObject({
      yjCode: '2251001R1107',
      genericCode: '2251001R1ZZZ',
      genericName: '【般】テオフィリンシロップ用２０％',
    });
  });
});
