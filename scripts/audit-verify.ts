// npm run audit:verify [clinicId]   recomputes the audit hash chain and reports the first broken link
import { ensureLocalSecrets } from './local-secrets';

ensureLocalSecrets();
const { verifyAuditChain } = await import('@/lib/audit/audit');
const { disconnectDb } = await import('@/lib/core/db');
const result = await verifyAuditChain({ clinicId: process.argv[2] });
await disconnectDb();
if (result.breaks.length === 0) {
  console.log(`監査ログの改ざんは検出されませんでした（${result.checked}件を検証）。`);
} else {
  for (const b of result.breaks) console.log(`改ざんを検出: clinic=${b.clinicId} seq=${b.seq} kind=${b.kind}`);
  process.exit(1);
}
