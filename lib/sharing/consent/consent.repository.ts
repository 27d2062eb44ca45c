/** SharingConsent queries: every statement names the clinic. A consent row is written once and only withdrawn. */
import type { db, Tx } from '@/lib/core/db';
import type { SharingConsent } from '@/lib/generated/prisma/client';

type Client = Tx | ReturnType<typeof db>;

export const sharingConsentRepository = {
  create(c: Client, data: Omit<SharingConsent, 'id' | 'revokedAt' | 'revokedById' | 'revokeReason'>): Promise<SharingConsent> {
    return c.sharingConsent.create({ data });
  },

  findById(c: Client, key: { clinicId: string; id: string }): Promise<SharingConsent | null> {
    return c.sharingConsent.findUnique({ where: { clinicId_id: { clinicId: key.clinicId, id: key.id } } });
  },

  /** The patient's newest consents, withdrawn and expired ones too (for the history), newest first. */
  listForPatient(c: Client, key: { clinicId: string; patientId: string }, take = 10): Promise<SharingConsent[]> {
    return c.sharingConsent.findMany({ where: { clinicId: key.clinicId, patientId: key.patientId }, orderBy: [{ givenAt: 'desc' }, { createdAt: 'desc' }], take });
  },

  /** The newest consent in force at `now`: not withdrawn, given by now, not yet expired. */
  findInForce(c: Client, key: { clinicId: string; patientId: string }, now: Date): Promise<SharingConsent | null> {
    return c.sharingConsent.findFirst({
      where: { clinicId: key.clinicId, patientId: key.patientId, revokedAt: null, givenAt: { lte: now }, expiresAt: { gt: now } },
      orderBy: [{ givenAt: 'desc' }, { createdAt: 'desc' }],
    });
  },

  /** Withdraws a consent once: false when it was already withdrawn (another terminal was first). */
  async withdraw(c: Client, key: { clinicId: string; id: string }, by: { userId: string; reason: string; at: Date }): Promise<boolean> {
    const r = await c.sharingConsent.updateMany({
      where: { clinicId: key.clinicId, id: key.id, revokedAt: null },
      data: { revokedAt: by.at, revokedById: by.userId, revokeReason: by.reason },
    });
    return r.count === 1;
  },
};
