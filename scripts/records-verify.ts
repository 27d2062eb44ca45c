// npm run records:verify [clinicId]   re-hashes every 確定 record and document and every 添付資料's bytes, and lists the ones that changed
import { ensureLocalSecrets } from './local-secrets';

ensureLocalSecrets();
const { verifyRecordHashes } = await import('@/lib/records/verify-record-hashes');
const { disconnectDb } = await import('@/lib/core/db');
const { checked, mismatches, lineageBreaks, attachmentMismatches } = await verifyRecordHashes({ clinicId: process.argv[2] });
await disconnectDb();
for (const b of lineageBreaks) {
  console.log(`版の不整合: ${b.table} lineage=${b.lineageId} 最新版の数=${b.latestCount} 最新=${b.latestVersion ?? 'なし'} 最大版=${b.maxVersion} clinic=${b.clinicId}`);
}
for (const a of attachmentMismatches) console.log(`添付資料のハッシュ不一致: id=${a.id} patient=${a.patientId} clinic=${a.clinicId}`);
if (mismatches.length === 0 && lineageBreaks.length === 0 && attachmentMismatches.length === 0) {
  console.log(`確定済みの記録と添付資料 ${checked}件の内容ハッシュはすべて一致しました。`);
} else {
  for (const m of mismatches) console.log(`内容ハッシュ不一致: ${m.table} id=${m.id} lineage=${m.lineageId} 第${m.version}版 clinic=${m.clinicId}`);
  process.exit(1);
}
