// npm run keys:rotate [clinicId] — re-seal stored secrets with the current DATA_ENCRYPTION_KEY.
// Before: set DATA_ENCRYPTION_KEY to the new key and DATA_ENCRYPTION_KEY_PREVIOUS to the old one(s).
// After it reports no unreadable values, the old key can be removed from DATA_ENCRYPTION_KEY_PREVIOUS.
import { ensureLocalSecrets } from './local-secrets';

async function main() {
  if (!process.env.DATABASE_URL) ensureLocalSecrets();
  const { resealSecrets } = await import('@/lib/auth/secret-rotation');
  const { disconnectDb } = await import('@/lib/core/db');
  const report = await resealSecrets(undefined, process.argv[2]);
  console.log(`re-sealed ${report.resealed}, already on the current key ${report.alreadyCurrent}, unreadable ${report.unreadable.length}`);
  for (const u of report.unreadable) console.log(`  unreadable: ${u.table} clinic=${u.clinicId} id=${u.id} (its key is not configured; the user must re-enrol)`);
  await disconnectDb();
  process.exitCode = report.unreadable.length ? 1 : 0;
}

void main();
