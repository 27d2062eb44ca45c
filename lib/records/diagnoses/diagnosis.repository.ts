import { db, Prisma, type Tx } from '@/lib/core/db';

type Client = Tx | ReturnType<typeof db>;
type Scope = { clinicId: string };
type PatientScope = Scope & { patientId: string };

export const diagnosisRepository = {
  create: (tx: Tx, data: Prisma.DiagnosisUncheckedCreateInput) => tx.diagnosis.create({ data }),

  findById: (c: Client, scope: Scope & { id: string }) =>
    c.diagnosis.findFirst({ where: { clinicId: scope.clinicId, id: scope.id } }),

  /** Marks the current latest version superseded; 0 rows means someone else already did (a concurrent edit). */
  supersede: (tx: Tx, scope: Scope & { id: string }) =>
    tx.diagnosis.updateMany({
      where: { clinicId: scope.clinicId, id: scope.id, isLatest: true },
      data: { isLatest: false, supersededAt: new Date() },
    }),

  /** Latest versions that were not entered in error. */
  listLatest: (c: Client, scope: PatientScope) =>
    c.diagnosis.findMany({
      where: { clinicId: scope.clinicId, patientId: scope.patientId, isLatest: true, status: 'final' },
      orderBy: [{ startDate: 'desc' }, { createdAt: 'desc' }],
    }),

  /** Every version of every diagnosis of the patient (history view). */
  listAllVersions: (c: Client, scope: PatientScope) =>
    c.diagnosis.findMany({
      where: { clinicId: scope.clinicId, patientId: scope.patientId },
      orderBy: [{ lineageId: 'asc' }, { version: 'desc' }],
    }),

  /** Modifier master rows (global table) for the codes chosen on a form. */
  findModifiers: (c: Client, codes: string[]) =>
    codes.length ? c.modifierMaster.findMany({ where: { code: { in: codes } } }) : Promise.resolve([]),
};
