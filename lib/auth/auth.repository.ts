import { db, type Tx } from '@/lib/core/db';

export const authRepository = {
  findLogin: (loginId: string) =>
    db().loginName.findUnique({ where: { loginId } }),
  findUser: (c: Tx | ReturnType<typeof db>, clinicId: string, userId: string) =>
    c.user.findUnique({ where: { clinicId_id: { clinicId, id: userId } }, include: { clinic: true } }),
  countFailures: (key: string, since: Date) => db().authFailure.count({ where: { key, at: { gte: since } } }),
  addFailures: (keys: string[]) => db().authFailure.createMany({ data: keys.map((key) => ({ key })) }),
  /** Records one attempt per key before the credential is checked (a reservation); returns the row ids. */
  reserveAttempts: async (keys: string[]) =>
    (await db().authFailure.createManyAndReturn({ data: keys.map((key) => ({ key })), select: { id: true } })).map((r) => r.id),
  /** Takes back reservations: the attempt succeeded, or was refused by the throttle before anything was checked. */
  releaseAttempts: (ids: bigint[]) => db().authFailure.deleteMany({ where: { id: { in: ids } } }),
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
  /** Counts one second-factor attempt atomically (before the code is checked); returns the attempts so far. */
  countOtpAttempt: async (tokenHash: string) =>
    (await db().loginChallenge.update({ where: { tokenHash }, data: { otpFailures: { increment: 1 } }, select: { otpFailures: true } })).otpFailures,
  /** Completes a challenge once: only a challenge without a session and not consumed; returns how many rows changed. */
  completeChallenge: async (tx: Tx, tokenHash: string, sessionId: string) =>
    (await tx.loginChallenge.updateMany({ where: { tokenHash, sessionId: null, consumedAt: null }, data: { sessionId } })).count,
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
  /**
   * Accepts a TOTP time step once: only if no later or equal step was accepted (and, for an enrolment, only if the user
   * has not enrolled meanwhile). Returns how many rows changed (0 = the code was used concurrently).
   */
  acceptTotpStep: async (tx: Tx, clinicId: string, userId: string, step: bigint, enrol: { totpSecret: string; totpEnabledAt: Date } | null) =>
    (
      await tx.user.updateMany({
        where: {
          clinicId,
          id: userId,
          ...(enrol ? { totpEnabledAt: null } : { totpEnabledAt: { not: null } }),
          OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }],
        },
        data: { ...(enrol ?? {}), totpLastStep: step },
      })
    ).count,
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
