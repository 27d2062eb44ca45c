import { db, type Tx } from '@/lib/core/db';

export const authRepository = {
  findLogin: (loginId: string) =>
    db().loginName.findUnique({ where: { loginId } }),
  findUser: (c: Tx | ReturnType<typeof db>, clinicId: string, userId: string) =>
    c.user.findUnique({ where: { clinicId_id: { clinicId, id: userId } }, include: { clinic: true } }),
  countFailures: (key: string, since: Date) => db().authFailure.count({ where: { key, at: { gte: since } } }),
  oldestFailure: (key: string, since: Date) =>
    db().authFailure.findFirst({ where: { key, at: { gte: since } }, orderBy: { at: 'asc' }, select: { at: true } }),
  addFailures: (keys: string[]) => db().authFailure.createMany({ data: keys.map((key) => ({ key })) }),
  clearFailures: (key: string) => db().authFailure.deleteMany({ where: { key } }),
  createChallenge: (data: {
    tokenHash: string;
    clinicId: string;
    userId: string;
    pendingSecret?: string | null;
    expiresAt: Date;
    ip: string | null;
  }) => db().loginChallenge.create({ data }),
  findChallenge: (c: Tx | ReturnType<typeof db>, tokenHash: string) => c.loginChallenge.findUnique({ where: { tokenHash } }),
  updateChallenge: (
    c: Tx | ReturnType<typeof db>,
    tokenHash: string,
    data: { otpFailures?: number; consumedAt?: Date; sessionId?: string },
  ) => c.loginChallenge.update({ where: { tokenHash }, data }),
  /** Consumes a completed challenge exactly once (the conditional update is the guard). */
  consumeCompletedChallenge: (tokenHash: string, now: Date) =>
    db().loginChallenge.updateMany({
      where: { tokenHash, consumedAt: null, sessionId: { not: null }, expiresAt: { gt: now } },
      data: { consumedAt: now },
    }),
  createSession: (
    tx: Tx,
    data: { clinicId: string; userId: string; mfaVerified: boolean; expiresAt: Date; ip: string | null; userAgent: string | null },
  ) => tx.userSession.create({ data }),
  findSession: (clinicId: string, id: string) =>
    db().userSession.findUnique({
      where: { clinicId_id: { clinicId, id } },
      include: { user: { include: { clinic: true } } },
    }),
  touchSession: (clinicId: string, id: string, at: Date) =>
    db().userSession.update({ where: { clinicId_id: { clinicId, id } }, data: { lastSeenAt: at } }),
  revokeSession: (c: Tx | ReturnType<typeof db>, clinicId: string, id: string, reason: string) =>
    c.userSession.updateMany({ where: { clinicId, id, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } }),
  revokeAllSessions: (c: Tx | ReturnType<typeof db>, clinicId: string, userId: string, reason: string) =>
    c.userSession.updateMany({ where: { clinicId, userId, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } }),
  setTotp: (tx: Tx, clinicId: string, userId: string, data: { totpSecret?: string; totpEnabledAt?: Date; totpLastStep: bigint }) =>
    tx.user.update({ where: { clinicId_id: { clinicId, id: userId } }, data }),
  setPassword: (tx: Tx, clinicId: string, userId: string, passwordHash: string, mustChangePassword: boolean) =>
    tx.user.update({
      where: { clinicId_id: { clinicId, id: userId } },
      data: { passwordHash, mustChangePassword, passwordChangedAt: new Date() },
    }),
  // key rotation (a maintenance command across clinics): every stored sealed secret, and a guarded swap
  sealedTotpSecrets: (clinicId?: string) =>
    db().user.findMany({ where: { clinicId, totpSecret: { not: null } }, select: { clinicId: true, id: true, totpSecret: true }, orderBy: [{ clinicId: 'asc' }, { id: 'asc' }] }),
  sealedPendingSecrets: (clinicId?: string) =>
    db().loginChallenge.findMany({ where: { clinicId, pendingSecret: { not: null } }, select: { clinicId: true, tokenHash: true, pendingSecret: true }, orderBy: { tokenHash: 'asc' } }),
  /** Replaces the value only if nobody changed it meanwhile (e.g. a re-enrolment); returns how many rows changed. */
  swapTotpSecret: async (clinicId: string, id: string, from: string, to: string) =>
    (await db().user.updateMany({ where: { clinicId, id, totpSecret: from }, data: { totpSecret: to } })).count,
  swapPendingSecret: async (clinicId: string, tokenHash: string, from: string, to: string) =>
    (await db().loginChallenge.updateMany({ where: { clinicId, tokenHash, pendingSecret: from }, data: { pendingSecret: to } })).count,
};
