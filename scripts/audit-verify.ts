// npm run audit:verify [clinicId]   recomputes the audit hash chain, checks its seals and the anchors outside the
// database (AUDIT_ANCHOR_FILE), and reports the first broken link per clinic (docs/decisions/0014)
import { ensureLocalSecrets } from './local-secrets';

ensureLocalSecrets();
const { verifyAuditChain } = await import('@/lib/audit/audit');
const { anchorFile } = await import('@/lib/audit/audit-anchor');
const { disconnectDb } = await import('@/lib/core/db');
const { formatDateTimeJst } = await import('@/lib/core/dates');
const result = await verifyAuditChain({ clinicId: process.argv[2] });
await disconnectDb();
const KIND: Record<string, string> = {
  gap: '行の欠落（途中の行が削除された）',
  prev_hash_mismatch: '前の行との連結の不一致',
  row_hash_mismatch: '行の内容の改変または偽造',
  seal_mismatch: '封印の改変・削除・偽造',
  tail_missing: '末尾の行の削除（封印またはアンカーが示す行がない）',
};
console.log(`アンカー: ${anchorFile()}`);
if (result.unsealed > 0) {
  console.log(`未封印の行: ${result.unsealed}件（最も古いもの ${formatDateTimeJst(result.oldestUnsealedAt!)}）。封印処理（startAuditSealer）が動いているか確認してください。`);
}
if (result.breaks.length === 0) {
  console.log(`監査ログの改ざんは検出されませんでした（${result.checked}件を検証）。`);
} else {
  for (const b of result.breaks) console.log(`改ざんを検出: clinic=${b.clinicId} seq=${b.seq} kind=${b.kind} ${KIND[b.kind] ?? ''}`);
  process.exit(1);
}
