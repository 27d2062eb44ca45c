/** What leaves the server about a consent to read other institutions' 6情報. */
import type { SharingConsent } from '@/lib/generated/prisma/client';
import { oneOf } from '@/lib/core/text-enum';
import { CONSENT_SOURCES, SHARED_INFO_KINDS, type ConsentSource, type SharedInfoKind } from './consent.constants';

export type SharingConsentDto = {
  id: string;
  patientId: string;
  givenAt: string;
  expiresAt: string;
  scope: SharedInfoKind[];
  source: ConsentSource;
  recordedByName: string;
  /** in force now: not withdrawn and not expired */
  inForce: boolean;
  revokedAt: string | null;
  revokedByName: string | null;
  revokeReason: string | null;
};

export function toSharingConsentDto(row: SharingConsent, names: Map<string, string>, now: Date): SharingConsentDto {
  return {
    id: row.id,
    patientId: row.patientId,
    givenAt: row.givenAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    scope: SHARED_INFO_KINDS.filter((k) => row.scope.includes(k)),
    source: oneOf(CONSENT_SOURCES, row.source),
    recordedByName: names.get(row.recordedById) ?? '不明な職員',
    inForce: !row.revokedAt && row.givenAt <= now && row.expiresAt > now,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    revokedByName: row.revokedById ? (names.get(row.revokedById) ?? '不明な職員') : null,
    revokeReason: row.revokeReason,
  };
}
