import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { db, disconnectDb } from '@/lib/core/db';
import { importMasterFile } from './import-master';
import { loadDemoMasters } from './demo-masters';
import {
  getDiseasesByCodes,
  listUsages,
  searchAllergens,
  searchDiseases,
  searchDrugs,
  searchLabCodes,
  searchModifiers,
} from './master-search.repository';

const FIX = join(process.cwd(), 'tests/fixtures/masters');
afterAll(() => disconnectDb());

describe('MEDIS nmain / mdfy', () => {
  it('imports nmain rows keyed by レセ電算コード and resolves the 移行先', async () => {
    const result = await importMasterFile({ kind: 'medis-disease', filePath: join(FIX, 'nmain_fixture.txt') });
    expect(result).toMatchObject({ status: 'done', processedRows: 3, errorCount: 0 });
    const rows = Object.fromEntries((await getDiseasesByCodes(['8842152', '8850130'])).map((r) => [r.code, r]));
    expect(rows['8842152']).toMatchObject({ movedTo: '8850130', keyNumber: '20086510', abolishedOn: '2024-06-01' });
    expect(rows['8850130']).toMatchObject({ movedTo: null, abolishedOn: null, icd10: 'M0681' });
    const hits = await searchDiseases('かんせつりうまち・かた', 10);
    expect(hits.map((h) => h.code)).toContain('8850130');
    expect(hits.map((h) => h.code)).not.toContain('8842152');
  });
  it('imports mdfy rows', async () => {
    const result = await importMasterFile({ kind: 'medis-modifier', filePath: join(FIX, 'mdfy_fixture.txt') });
    expect(result).toMatchObject({ status: 'done', processedRows: 2, errorCount: 0 });
    const hits = await searchModifiers('・ていぶんか', 20);
    expect(hits.find((m) => m.code === '8286')).toMatchObject({ code: '8286', position: 'suffix', keyNumber: '27002383' });
  });
});

describe('J-FAGY (Shift_JIS), JAMI 用法, JLAC10', () => {
  it('imports J-FAGY from a Buffer and hides ended codes from search', async () => {
    const result = await importMasterFile({
      buffer: readFileSync(join(FIX, 'JFAGY_J9FN_20250401_R01_fixture_sjis.csv')),
      fileName: 'JFAGY_J9FN_20250401_R01.csv',
    });
    expect(result).toMatchObject({ kind: 'jfagy', status: 'done', processedRows: 5, errorCount: 0 });
    const egg = await searchAllergens('けいらん', 5);
    expect(egg[0]).toMatchObject({ code: 'J9FB13110000', name: '鶏卵', category: 'food' });
    const navel = await searchAllergens('ネーブル', 5);
    expect(navel.map((a) => a.code)).toEqual(['J9FA32113211']);
    const all = await searchAllergens('ネーブル', 5, { includeAbolished: true });
    expect(all.find((a) => a.code === 'J9FA32111600')?.endedOn).toBe('2025-03-31');
    const mite = await searchAllergens('ヤケヒョウヒダニ', 5);
    expect(mite[0]).toMatchObject({ code: 'J9NM12110000', category: 'nonfood' });
  });
  it('imports JAMI usages and JLAC10 codes', async () => {
    expect(await importMasterFile({ filePath: join(FIX, 'jami_usage_fixture.csv'), kind: 'jami-usage' })).toMatchObject({
      status: 'done',
      processedRows: 4,
    });
    const asNeeded = await listUsages('as_needed');
    expect(asNeeded.find((u) => u.code === '1050110000000000')).toMatchObject({ text: '内服・経口・疼痛時', timesPerDay: null });
    const internal = await listUsages('internal');
    expect(internal.find((u) => u.code === '1013044400000000')?.timesPerDay).toBe(3);
    expect(await importMasterFile({ filePath: join(FIX, 'jlac10_fixture.csv') })).toMatchObject({
      kind: 'jlac10',
      status: 'done',
      processedRows: 2,
    });
    const lab = await searchLabCodes('蛋白定性', 5);
    expect(lab.find((l) => l.code === '1A010000000190111')).toMatchObject({ specimen: '尿(含むその他)' });
  });
  it('imports the good rows and reports the bad ones: the run is partial, not done (issue 9 item 18)', async () => {
    const csv = 'code,display\n1013044400000000,内服・経口・１日３回朝昼夕食後\nBAD,壊れた行\n';
    const result = await importMasterFile({ buffer: Buffer.from(csv), fileName: 'jami_usage_bad.csv', kind: 'jami-usage' });
    expect(result).toMatchObject({ status: 'partial', processedRows: 2, errorCount: 1 });
    expect(result.errors[0]).toMatchObject({ row: 3 });
    const stored = await db().masterImport.findUniqueOrThrow({ where: { id: result.importId } });
    expect(stored).toMatchObject({ status: 'partial', errorCount: 1 });
    expect(stored.errors).toHaveLength(1);
  });
});

describe('demo masters', () => {
  it('loads idempotently and serves common searches', async () => {
    await loadDemoMasters();
    const { results } = await loadDemoMasters();
    expect(results.every((r) => r.status === 'done' && r.inserted === 0)).toBe(true);
    expect((await searchDiseases('こうけつあつしょう', 5))[0]).toMatchObject({ code: '8833421', name: '高血圧症', icd10: 'I10' });
    expect((await searchDrugs('アムロジピン', 50)).map((d) => d.code)).toContain('622309700');
    expect((await searchDrugs('ろきそにん', 20)).map((d) => d.code)).toContain('620098801');
    expect((await searchDrugs('カロナール', 20)).map((d) => d.code)).toContain('620000033');
    expect((await searchModifiers('ひだり', 5)).map((m) => m.code)).toContain('2049');
    expect((await searchAllergens('そば', 10)).length).toBeGreaterThan(0);
    expect((await listUsages('internal')).map((u) => u.code)).toContain('1011000400000000');
  });
});
