/**
 * Imports one official master file into the database given by DATABASE_URL (or the embedded PGlite).
 *   npx tsx scripts/import-master.ts <kind|auto> <file> [--encoding sjis|utf8] [--change|--full]
 *   npx tsx scripts/import-master.ts demo        (loads the demo masters shipped in lib/masters/demo-data)
 * kinds: ssk-disease (b), ssk-modifier (z), ssk-drug (y), medis-disease (nmain), medis-modifier (mdfy),
 *        generic-name (一般名処方マスタ CSV), jfagy, jlac10, jami-usage
 */
import { disconnectDb } from '@/lib/core/db';
import { parseMasterKind } from '@/lib/masters/detect-kind';
import { importMasterFile } from '@/lib/masters/import-master';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { normalizeEncoding } from '@/lib/masters/encoding';
import { ensureLocalSecrets } from './local-secrets';

// the embedded database's password (and the other local secrets) when DATABASE_URL is not set
if (!process.env.DATABASE_URL) ensureLocalSecrets();
import { MASTER_KINDS } from '@/lib/masters/types';
import { MASTER_IMPORT_STATUS_LABELS } from '@/lib/masters/master-import.constants';

function usage(): never {
  console.error(
    `使い方: npx tsx scripts/import-master.ts <kind|auto> <file> [--encoding sjis|utf8] [--change|--full]\n` +
      `        npx tsx scripts/import-master.ts demo\n種別: ${MASTER_KINDS.join(', ')}, auto (b/z/y/nmain/mdfy も可)`,
  );
  process.exit(2);
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === 'demo') {
    const { results, durationMs } = await loadDemoMasters();
    for (const r of results) console.log(`${r.kind.padEnd(15)} ${r.processedRows} 行 (新規 ${r.inserted} / 更新 ${r.updated})`);
    console.log(`デモマスターを取り込みました (${durationMs} ms)`);
    return;
  }
  const positional: string[] = [];
  let encoding: string | undefined;
  let changeFile: boolean | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--encoding') encoding = args[++i];
    else if (a.startsWith('--encoding=')) encoding = a.slice('--encoding='.length);
    else if (a === '--change') changeFile = true;
    else if (a === '--full') changeFile = false;
    else if (a === '-h' || a === '--help') usage();
    else positional.push(a);
  }
  if (positional.length !== 2) usage();
  const [kindArg, filePath] = positional;
  const kind = parseMasterKind(kindArg);
  let lastPrinted = -1;
  const result = await importMasterFile({
    kind,
    filePath,
    encoding: normalizeEncoding(encoding),
    changeFile,
    onProgress: ({ processedRows, totalRows }) => {
      const pct = totalRows ? Math.floor((processedRows / totalRows) * 100) : 100;
      if (pct === lastPrinted) return;
      lastPrinted = pct;
      process.stdout.write(`\r${processedRows.toLocaleString()} / ${totalRows.toLocaleString()} 行 (${pct}%)`);
    },
  });
  process.stdout.write('\n');
  console.log(
    `${result.kind}: ${MASTER_IMPORT_STATUS_LABELS[result.status]} — ${result.processedRows} 行, 新規 ${result.inserted}, ` +
      `更新 ${result.updated}, 廃止 ${result.abolished}, 旧版のため未適用 ${result.skippedOlder}, エラー ${result.errorCount} (${result.durationMs} ms, MasterImport ${result.importId})`,
  );
  for (const e of result.errors.slice(0, 20)) console.log(`  ${e.row} 行目: ${e.message}`);
  if (result.errorCount > 20) console.log(`  … ほか ${result.errorCount - 20} 件`);
  if (result.status !== 'done') process.exitCode = 1;
}

main()
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
