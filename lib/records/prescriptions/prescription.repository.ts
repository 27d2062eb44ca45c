/** Prisma access for 処方. Every query is scoped by clinicId. */
import { db, Prisma, type Tx } from '@/lib/core/db';
import type { RecordStatus } from '@/lib/records/record-version.constants';

type Client = Tx | ReturnType<typeof db>;
export type Scope = { clinicId: string };

const withItems = { items: { orderBy: [{ rpNumber: 'asc' as const }, { sortOrder: 'asc' as const }] } };

export type PrescriptionHeaderData = Omit<Prisma.PrescriptionUncheckedCreateInput, 'items' | 'clinicId'>;
export type PrescriptionItemData = Omit<Prisma.PrescriptionItemUncheckedCreateInput, 'clinicId' | 'prescriptionId' | 'id'>;

export const prescriptionRepository = {
  findById: (c: Client, scope: Scope & { prescriptionId: string }) =>
    c.prescription.findFirst({ where: { clinicId: scope.clinicId, id: scope.prescriptionId }, include: withItems }),

  /** Latest version of every lineage of one patient, newest first. */
  listLatestForPatient: (c: Client, scope: Scope & { patientId: string }, take = 100) =>
    c.prescription.findMany({
      where: { clinicId: scope.clinicId, patientId: scope.patientId, isLatest: true },
      include: withItems,
      orderBy: [{ issuedDate: 'desc' }, { createdAt: 'desc' }],
      take,
    }),

  /** Index: Prescription(clinicId, patientId, isLatest, issuedDate). */
  countLatestForPatient: (c: Client, scope: Scope & { patientId: string }) =>
    c.prescription.count({ where: { clinicId: scope.clinicId, patientId: scope.patientId, isLatest: true } }),

  /** 下書き and 承認待ち (latest versions) of one patient, however old: the chart always shows what is still open. */
  listOpenForPatient: (c: Client, scope: Scope & { patientId: string }) =>
    c.prescription.findMany({
      where: { clinicId: scope.clinicId, patientId: scope.patientId, isLatest: true, status: { in: ['draft', 'pending_approval'] } },
      include: withItems,
      orderBy: [{ issuedDate: 'desc' }, { createdAt: 'desc' }],
      take: 50,
    }),

  listVersions: (c: Client, scope: Scope & { lineageId: string }) =>
    c.prescription.findMany({ where: { clinicId: scope.clinicId, lineageId: scope.lineageId }, include: withItems, orderBy: { version: 'desc' } }),

  /** The patient's last final prescription (前回Do). */
  findLastFinal: (c: Client, scope: Scope & { patientId: string }) =>
    c.prescription.findFirst({
      where: { clinicId: scope.clinicId, patientId: scope.patientId, isLatest: true, status: 'final' },
      include: withItems,
      orderBy: [{ issuedDate: 'desc' }, { confirmedAt: 'desc' }, { createdAt: 'desc' }],
    }),

  /** The final prescriptions of one visit, oldest first (前回Do copies everything ordered at the last visit). */
  listFinalForVisit: (c: Client, scope: Scope & { patientId: string; visitId: string }) =>
    c.prescription.findMany({
      where: { clinicId: scope.clinicId, patientId: scope.patientId, visitId: scope.visitId, isLatest: true, status: 'final' },
      include: withItems,
      orderBy: [{ confirmedAt: 'asc' }, { createdAt: 'asc' }],
    }),

  /** Final prescriptions issued on or after `since` (candidates for 「現在の処方」 and the 重複投薬 check). */
  listFinalSince: (c: Client, scope: Scope & { patientId: string; since: Date }) =>
    c.prescription.findMany({
      where: { clinicId: scope.clinicId, patientId: scope.patientId, isLatest: true, status: 'final', issuedDate: { gte: scope.since } },
      include: withItems,
      orderBy: [{ issuedDate: 'desc' }, { createdAt: 'desc' }],
    }),

  listPendingForDoctor: (c: Client, scope: Scope & { doctorId: string }) =>
    c.prescription.findMany({
      where: { clinicId: scope.clinicId, authorId: scope.doctorId, isLatest: true, status: 'pending_approval' },
      include: withItems,
      orderBy: { createdAt: 'asc' },
    }),

  countPendingForDoctor: (c: Client, scope: Scope & { doctorId: string }) =>
    c.prescription.count({ where: { clinicId: scope.clinicId, authorId: scope.doctorId, isLatest: true, status: 'pending_approval' } }),

  async create(tx: Tx, scope: Scope, header: PrescriptionHeaderData, items: PrescriptionItemData[]) {
    const created = await tx.prescription.create({ data: { ...header, clinicId: scope.clinicId } });
    await tx.prescriptionItem.createMany({ data: items.map((i) => ({ ...i, clinicId: scope.clinicId, prescriptionId: created.id })) });
    return created;
  },

  /** Drafts only: content and items are replaced in place (the trigger rejects it for anything else). */
  async updateDraft(tx: Tx, scope: Scope & { prescriptionId: string }, header: Prisma.PrescriptionUncheckedUpdateManyInput, items: PrescriptionItemData[]) {
    const { count } = await tx.prescription.updateMany({ where: { clinicId: scope.clinicId, id: scope.prescriptionId, status: 'draft', isLatest: true }, data: header });
    if (count !== 1) return count;
    await tx.prescriptionItem.deleteMany({ where: { clinicId: scope.clinicId, prescriptionId: scope.prescriptionId } });
    await tx.prescriptionItem.createMany({ data: items.map((i) => ({ ...i, clinicId: scope.clinicId, prescriptionId: scope.prescriptionId })) });
    return count;
  },

  /** draft → final, pending_approval → final; guarded by the expected status (concurrent 確定 / 承認). */
  transition: (tx: Tx, scope: Scope & { prescriptionId: string; from: RecordStatus }, data: Prisma.PrescriptionUncheckedUpdateManyInput) =>
    tx.prescription.updateMany({ where: { clinicId: scope.clinicId, id: scope.prescriptionId, status: scope.from, isLatest: true }, data }),

  /** The only change allowed on a final row: it stops being the latest version. */
  markSuperseded: (tx: Tx, scope: Scope & { prescriptionId: string }) =>
    tx.prescription.updateMany({ where: { clinicId: scope.clinicId, id: scope.prescriptionId, isLatest: true }, data: { isLatest: false, supersededAt: new Date() } }),

  deleteDraft: (tx: Tx, scope: Scope & { prescriptionId: string }) =>
    tx.prescription.deleteMany({ where: { clinicId: scope.clinicId, id: scope.prescriptionId, status: 'draft' } }),



  findClinic: (c: Client, scope: Scope) =>
    c.clinic.findUnique({ where: { id: scope.clinicId }, select: { name: true, postalCode: true, address: true, phone: true, institutionNumber: true } }),
};
