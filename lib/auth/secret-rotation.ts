/**
 * Re-seals every stored secret with the current DATA_ENCRYPTION_KEY (run after moving the old key to
 * DATA_ENCRYPTION_KEY_PREVIOUS). Idempotent and safe to run while the app serves: each value is swapped
 * only if it is still the one that was read. A value no configured key opens is reported, never dropped.
 */
import { subscriptionRepository } from '@/lib/vendor-api/subscription.repository';
import { authRepository } from './auth.repository';
import { dataKeys, isSealedWithCurrentKey, openSecret, sealSecret, type DataKeys } from './secret-box';

export type RotationReport = { resealed: number; alreadyCurrent: number; unreadable: { table: 'User' | 'LoginChallenge' | 'ApiSubscription'; clinicId: string; id: string }[] };

/** All clinics, or one (`clinicId`) to rotate in batches. */
export async function resealSecrets(keys: DataKeys = dataKeys(), clinicId?: string): Promise<RotationReport> {
  const report: RotationReport = { resealed: 0, alreadyCurrent: 0, unreadable: [] };
  const sources = [
    { table: 'User' as const, rows: (await authRepository.sealedTotpSecrets(clinicId)).map((r) => ({ ...r, value: r.totpSecret! })), swap: authRepository.swapTotpSecret },
    { table: 'LoginChallenge' as const, rows: (await authRepository.sealedPendingSecrets(clinicId)).map((r) => ({ clinicId: r.clinicId, id: r.tokenHash, value: r.pendingSecret! })), swap: authRepository.swapPendingSecret },
    // vendor apps' webhook signing keys (docs/decisions/0055)
    { table: 'ApiSubscription' as const, rows: (await subscriptionRepository.sealedSecrets(clinicId)).map((r) => ({ clinicId: r.clinicId, id: r.id, value: r.secretSealed })), swap: subscriptionRepository.swapSecret },
  ];
  for (const { table, rows, swap } of sources) {
    for (const row of rows) {
      let plain: string;
      try {
        if (isSealedWithCurrentKey(row.value, keys)) {
          report.alreadyCurrent++;
          continue;
        }
        plain = openSecret(row.value, keys);
      } catch {
        report.unreadable.push({ table, clinicId: row.clinicId, id: row.id });
        continue;
      }
      report.resealed += await swap(row.clinicId, row.id, row.value, sealSecret(plain, keys));
    }
  }
  return report;
}
