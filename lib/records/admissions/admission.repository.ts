import type { db, Prisma, Tx } from '@/lib/core/db';

type Client = Tx | ReturnType<typeof db>;
export type Scope = { clinicId: string };

/** 入院 rows (docs/decisions/0087). Only the write path calls create and supersede (write-path.int.test.ts). */
export const admissionRepository = {
  create: (tx: Tx, data: Prisma.AdmissionUncheckedCreateInput) => tx.admission.create({ data }),

  /** Marks the current version superseded; 0 when someone else did it first. Only isLatest/supersededAt change (trigger). */
  supersede: (tx: Tx, scope: Scope & { id: string }, at: Date) =>
    tx.admission.updateMany({ where: { clinicId: scope.clinicId, id: scope.id, isLatest: true }, data: { isLatest: false, supersededAt: at } }),

  findById: (c: Client, scope: Scope & { id: string }) => c.admission.findFirst({ where: { clinicId: scope.clinicId, id: scope.id } }),

  /**
   * Serialises admissions of one patient: the patient's row is locked for the rest of the transaction, so two 入院登録
   * at once cannot both find no open admission (one open admission per patient).
   */
  lockPatient: (tx: Tx, scope: Scope & { patientId: string }) =>
    tx.$queryRaw`SELECT "id" FROM "Patient" WHERE "clinicId" = ${scope.clinicId} AND "id" = ${scope.patientId} FOR UPDATE`,

  /**
   * Another stay of the patient (current version, not cancelled) whose days overlap from..to (to null: still open).
   * Stays that only touch — one's 退院日 is the other's 入院日 — do not overlap (a same-day readmission).
   */
  findOverlapping: (c: Client, scope: Scope & { patientId: string; exceptLineageId: string | null; from: Date; to: Date | null }) =>
    c.admission.findFirst({
      where: {
        clinicId: scope.clinicId,
        patientId: scope.patientId,
        isLatest: true,
        status: { in: ['admitted', 'discharged'] },
        ...(scope.exceptLineageId ? { lineageId: { not: scope.exceptLineageId } } : {}),
        ...(scope.to ? { admittedOn: { lt: scope.to } } : {}),
        OR: [{ dischargedOn: null }, { dischargedOn: { gt: scope.from } }],
      },
      orderBy: { admittedOn: 'asc' },
    }),

  /** The patient's open admission (入院中), if any. */
  findOpen: (c: Client, scope: Scope & { patientId: string }) =>
    c.admission.findFirst({ where: { clinicId: scope.clinicId, patientId: scope.patientId, isLatest: true, status: 'admitted' } }),

  /** The current version of the patient's admissions, newest stay first (cancelled ones too: the chart shows them struck). */
  listLatestForPatient: (c: Client, scope: Scope & { patientId: string; take: number }) =>
    c.admission.findMany({
      where: { clinicId: scope.clinicId, patientId: scope.patientId, isLatest: true },
      orderBy: [{ admittedOn: 'desc' }, { createdAt: 'desc' }],
      take: scope.take,
    }),

  /** Every version of one admission, newest first. */
  listVersions: (c: Client, scope: Scope & { lineageId: string }) =>
    c.admission.findMany({ where: { clinicId: scope.clinicId, lineageId: scope.lineageId }, orderBy: { version: 'desc' } }),

  /** The names of the patient's diagnoses (latest version of each lineage, any status) for the admissions' lists. */
  diagnosisNames: (c: Client, scope: Scope & { patientId: string; lineageIds: string[] }) =>
    scope.lineageIds.length
      ? c.diagnosis.findMany({
          where: { clinicId: scope.clinicId, patientId: scope.patientId, lineageId: { in: scope.lineageIds }, isLatest: true },
          select: { lineageId: true, displayName: true, status: true },
        })
      : Promise.resolve([]),

  /** The diagnoses an admission may name: the patient's current ones (latest, not entered in error). */
  diagnosisChoices: (c: Client, scope: Scope & { patientId: string }) =>
    c.diagnosis.findMany({
      where: { clinicId: scope.clinicId, patientId: scope.patientId, isLatest: true, status: 'final' },
      select: { lineageId: true, displayName: true, isPrimary: true, isSuspected: true, outcome: true, startDate: true },
      orderBy: [{ isPrimary: 'desc' }, { startDate: 'desc' }, { createdAt: 'desc' }],
    }),
};
