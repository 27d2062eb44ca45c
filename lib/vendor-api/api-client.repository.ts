/** Registered vendor apps, their directory entry, used assertion ids and idempotency keys. Every query is by clinic
 *  except the directory lookup, which is how the token endpoint learns the clinic of a client_id. */
import { db, type Tx } from '@/lib/core/db';
import { Prisma } from '@/lib/generated/prisma/client';

type Client = Tx | ReturnType<typeof db>;

export const apiClientRepository = {
  create: (tx: Tx, data: Prisma.ApiClientUncheckedCreateInput) => tx.apiClient.create({ data }),
  addToDirectory: (tx: Tx, clientId: string, clinicId: string) => tx.apiClientDirectory.create({ data: { clientId, clinicId } }),
  clinicOf: async (c: Client, clientId: string) => (await c.apiClientDirectory.findUnique({ where: { clientId } }))?.clinicId ?? null,
  find: (c: Client, clinicId: string, id: string) => c.apiClient.findUnique({ where: { clinicId_id: { clinicId, id } } }),
  list: (c: Client, clinicId: string) => c.apiClient.findMany({ where: { clinicId }, orderBy: { createdAt: 'desc' } }),
  revoke: (tx: Tx, clinicId: string, id: string, by: string, at: Date) =>
    tx.apiClient.updateMany({ where: { clinicId, id, status: 'active' }, data: { status: 'revoked', revokedAt: at, revokedById: by } }),
  replaceKeys: (tx: Tx, clinicId: string, id: string, keys: { jwks: Prisma.InputJsonValue | null; jwksUrl: string | null }) =>
    tx.apiClient.updateMany({ where: { clinicId, id, status: 'active' }, data: { jwks: keys.jwks ?? Prisma.DbNull, jwksUrl: keys.jwksUrl } }),
  replaceSecretHash: (tx: Tx, clinicId: string, id: string, clientSecretHash: string) =>
    tx.apiClient.updateMany({ where: { clinicId, id, status: 'active', clientSecretHash: { not: null } }, data: { clientSecretHash } }),
  /** The app's audit events (it is their actor), newest first: its 利用履歴 (api-client-calls.service.ts). */
  callsOf: (c: Client, clinicId: string, clientId: string, occurredAt: Prisma.DateTimeFilter | undefined, take: number) =>
    c.auditEvent.findMany({
      where: { clinicId, userId: clientId, ...(occurredAt ? { occurredAt } : {}) },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      take,
      select: { id: true, occurredAt: true, action: true, resourceType: true, resourceId: true, patientId: true, outcome: true, detail: true },
    }),
  patientsByIds: async (c: Client, clinicId: string, ids: string[]) =>
    ids.length ? c.patient.findMany({ where: { clinicId, id: { in: ids } }, select: { id: true, patientNumber: true, familyName: true, givenName: true } }) : [],
  touch: (c: Client, clinicId: string, id: string, at: Date) => c.apiClient.updateMany({ where: { clinicId, id }, data: { lastUsedAt: at } }),

  /** Records a client assertion id; false when it was already used (replay). */
  useAssertionId: async (c: Client, clinicId: string, clientId: string, jti: string, expiresAt: Date): Promise<boolean> => {
    const { count } = await c.apiAssertionJti.createMany({ data: [{ clinicId, clientId, jti, expiresAt }], skipDuplicates: true });
    return count === 1;
  },
  pruneAssertionIds: (c: Client, clinicId: string, before: Date) => c.apiAssertionJti.deleteMany({ where: { clinicId, expiresAt: { lt: before } } }),

  /** Records a revoked access token (RFC 7009); revoking it twice is harmless. */
  revokeToken: (c: Client, data: { clinicId: string; jti: string; clientId: string; expiresAt: Date; revokedAt: Date }) =>
    c.apiRevokedToken.createMany({ data: [data], skipDuplicates: true }),
  isTokenRevoked: async (c: Client, clinicId: string, jti: string) => (await c.apiRevokedToken.count({ where: { clinicId, jti } })) > 0,
  pruneRevokedTokens: (c: Client, clinicId: string, before: Date) => c.apiRevokedToken.deleteMany({ where: { clinicId, expiresAt: { lt: before } } }),

  findIdempotencyKey: (c: Client, clinicId: string, clientId: string, key: string) =>
    c.apiIdempotencyKey.findUnique({ where: { clinicId_clientId_key: { clinicId, clientId, key } } }),
  /** A unique-key violation (a concurrent insert of the same key won). */
  isUniqueViolation: (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002',
  saveIdempotencyKey: (tx: Tx, data: Prisma.ApiIdempotencyKeyUncheckedCreateInput) => tx.apiIdempotencyKey.create({ data }),
};
