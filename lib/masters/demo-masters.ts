/**
 * Demo masters shipped in lib/masters/demo-data (real codes cut from the official files, UTF-8; provenance in
 * demo-data/README.md). Loaded through the same importer as the official files, so it is idempotent; ~1 s.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importMasterFile } from './import-master';
import type { ImportResult, MasterKind } from './types';

/** Import order matters: 一般名処方マスタ fills drugs already stored. */
export const DEMO_MASTER_FILES: { kind: MasterKind; file: string }[] = [
  { kind: 'ssk-disease', file: 'ssk_b_demo.csv' },
  { kind: 'ssk-modifier', file: 'ssk_z_demo.csv' },
  { kind: 'ssk-drug', file: 'ssk_y_demo.csv' },
  { kind: 'generic-name', file: 'mhlw_ippanmeishohoumaster_demo.csv' },
  { kind: 'jfagy', file: 'JFAGY_J9FN_20250401_R01.csv' },
  { kind: 'jami-usage', file: 'jami_usage_demo.csv' },
  { kind: 'jlac10', file: 'jlac10_demo.csv' },
];

export function demoDataDir(): string {
  const candidates: string[] = [];
  try {
    candidates.push(fileURLToPath(new URL('./demo-data/', import.meta.url)));
  } catch {
    // bundled: import.meta.url is not a file URL
  }
  candidates.push(join(process.cwd(), 'lib', 'masters', 'demo-data'));
  const dir = candidates.find((d) => existsSync(join(d, DEMO_MASTER_FILES[0].file)));
  if (!dir) throw new Error(`デモマスターのファイルが見つかりません (${candidates.join(', ')})`);
  return dir;
}

export interface DemoMastersSummary {
  results: ImportResult[];
  durationMs: number;
}

export async function loadDemoMasters(options: { dir?: string; startedById?: string | null } = {}): Promise<DemoMastersSummary> {
  const started = Date.now();
  const dir = options.dir ?? demoDataDir();
  const results: ImportResult[] = [];
  for (const { kind, file } of DEMO_MASTER_FILES) {
    const result = await importMasterFile({
      kind,
      filePath: join(dir, file),
      encoding: 'utf8',
      changeFile: false,
      startedById: options.startedById ?? null,
    });
    if (result.status !== 'done' || result.errorCount > 0) {
      const first = result.errors[0];
      throw new Error(`デモマスター ${file} の取り込みに失敗しました: ${first ? `${first.row} 行目 ${first.message}` : result.status}`);
    }
    results.push(result);
  }
  return { results, durationMs: Date.now() - started };
}
