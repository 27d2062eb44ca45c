/** Vendor apps' FHIR Subscriptions and their delivery log; every query is by clinic. */
import { db, type Tx } from '@/lib/core/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import { medicationRequestId } from '@/lib/fhir/medication-request';

type Client = Tx | ReturnType<typeof db>;
const key = (clinicId: string, id: string) => ({ clinicId_id: { clinicId, id } });

export const subscriptionRepository = {
  create: (tx: Tx, data: Prisma.ApiSubscriptionUncheckedCreateInput) => tx.apiSubscription.create({ data }),
  find: (c: Client, clinicId: string, id: string) => c.apiSubscription.findUnique({ where: key(clinicId, id) }),
  findOfClient: (c: Client, clinicId: string, clientId: string, id: string) => c.apiSubscription.findFirst({ where: { clinicId, id, clientId } }),
  listOfClient: (c: Client, clinicId: string, clientId: string) => c.apiSubscription.findMany({ where: { clinicId, clientId }, orderBy: { createdAt: 'desc' } }),
  listOfClinic: (c: Client, clinicId: string) => c.apiSubscription.findMany({ where: { clinicId }, orderBy: { createdAt: 'desc' } }),
  /** The active subscriptions watching any of these resource types (one indexed query per record write). */
  activeFor: (c: Client, clinicId: string, types: string[]) =>
    c.apiSubscription.findMany({ where: { clinicId, resourceType: { in: types }, status: 'active' }, select: { id: true, resourceType: true } }),
  setStatus: (c: Client, clinicId: string, id: string, status: string) => c.apiSubscription.update({ where: key(clinicId, id), data: { status } }),
  sealedSecrets: (clinicId?: string) =>
    db().apiSubscription.findMany({ where: { clinicId }, select: { clinicId: true, id: true, secretSealed: true }, orderBy: [{ clinicId: 'asc' }, { id: 'asc' }] }),
  swapSecret: async (clinicId: string, id: string, from: string, to: string) =>
    (await db().apiSubscription.updateMany({ where: { clinicId, id, secretSealed: from }, data: { secretSealed: to } })).count,

  /** The MedicationRequest ids (one per drug line) of the latest versions of these prescriptions. */
  drugLineIds: async (tx: Tx, clinicId: string, lineageIds: string[]) =>
    (
      await tx.prescriptionItem.findMany({
        where: { clinicId, prescription: { clinicId, lineageId: { in: lineageIds }, isLatest: true } },
        select: { rpNumber: true, sortOrder: true, prescription: { select: { lineageId: true } } },
        orderBy: [{ prescriptionId: 'asc' }, { rpNumber: 'asc' }, { sortOrder: 'asc' }],
      })
    ).map((i) => medicationRequestId(i.prescription.lineageId, i.rpNumber, i.sortOrder)),
  addDeliveries: (tx: Tx, rows: Prisma.ApiSubscriptionDeliveryCreateManyInput[]) => tx.apiSubscriptionDelivery.createMany({ data: rows }),
  delivery: (c: Client, clinicId: string, id: string) => c.apiSubscriptionDelivery.findUnique({ where: key(clinicId, id), include: { subscription: true } }),
  updateDelivery: (c: Client, clinicId: string, id: string, data: Prisma.ApiSubscriptionDeliveryUncheckedUpdateInput) =>
    c.apiSubscriptionDelivery.update({ where: key(clinicId, id), data }),
  removeDelivery: (c: Client, clinicId: string, id: string) => c.apiSubscriptionDelivery.deleteMany({ where: { clinicId, id } }),
  recentDeliveries: (c: Client, clinicId: string, take: number) =>
    c.apiSubscriptionDelivery.findMany({ where: { clinicId }, orderBy: { createdAt: 'desc' }, take, include: { subscription: { select: { clientId: true, criteria: true, endpoint: true } } } }),
};
