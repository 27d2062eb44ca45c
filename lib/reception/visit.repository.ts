import { db, type Tx } from '@/lib/core/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { VisitStatusValue as VisitStatus } from './visit.constants';
import type { EligibilityResult } from '@/lib/eligibility/eligibility.constants';

type Client = Tx | ReturnType<typeof db>;

export const visitRepository = {
  async nextReceptionNumber(tx: Tx, clinicId: string, visitDate: Date): Promise<number> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`reception:${clinicId}:${visitDate.toISOString()}`}, 0))`;
    const last = await tx.visit.findFirst({ where: { clinicId, visitDate }, orderBy: { receptionNumber: 'desc' }, select: { receptionNumber: true } });
    return (last?.receptionNumber ?? 0) + 1;
  },
  findActiveForPatient: (c: Client, clinicId: string, patientId: string, visitDate: Date) =>
    c.visit.findFirst({ where: { clinicId, patientId, visitDate, status: { notIn: ['done', 'cancelled'] } } }),
  create: (tx: Tx, data: Prisma.VisitUncheckedCreateInput) => tx.visit.create({ data }),
  addStatusChange: (tx: Tx, data: { clinicId: string; visitId: string; fromStatus: VisitStatus | null; toStatus: VisitStatus; changedById: string }) =>
    tx.visitStatusChange.create({ data }),
  find: (c: Client, clinicId: string, visitId: string) => c.visit.findUnique({ where: { clinicId_id: { clinicId, id: visitId } } }),
  /** Conditional update: only from the status the user saw, so two terminals cannot skip a step. */
  updateStatusIf: (tx: Tx, clinicId: string, visitId: string, from: VisitStatus, to: VisitStatus) =>
    tx.visit.updateMany({ where: { clinicId, id: visitId, status: from }, data: { status: to, statusChangedAt: new Date() } }),
  /** 受付の詳細, only while the visit is still open (not 完了/取消): a conditional update, like the status. */
  updateDetailsIfOpen: (tx: Tx, clinicId: string, visitId: string, data: { departmentId: string | null; doctorId: string | null; firstVisit: boolean; memo: string | null }) =>
    tx.visit.updateMany({ where: { clinicId, id: visitId, status: { notIn: ['done', 'cancelled'] } }, data }),
  /** The visit's doctor, only while none is set (the first doctor who writes in the chart for it). */
  assignDoctorIfUnset: (tx: Tx, clinicId: string, visitId: string, doctorId: string) =>
    tx.visit.updateMany({ where: { clinicId, id: visitId, doctorId: null }, data: { doctorId } }),
  setEligibility: (c: Client, clinicId: string, visitId: string, result: EligibilityResult, detail: object) =>
    c.visit.update({ where: { clinicId_id: { clinicId, id: visitId } }, data: { eligibilityResult: result, eligibilityCheckedAt: new Date(), eligibilityDetail: detail } }),
  /** The day's visits, plus the previous day's that were never finished (carried over, not lost at midnight). */
  listForDate: (clinicId: string, visitDate: Date, previousDay: Date) =>
    db().visit.findMany({
      where: { clinicId, OR: [{ visitDate }, { visitDate: previousDay, status: { notIn: ['done', 'cancelled'] } }] },
      orderBy: [{ visitDate: 'asc' }, { receptionNumber: 'asc' }],
      include: {
        patient: {
          select: {
            id: true, patientNumber: true, familyName: true, givenName: true, familyNameKana: true, givenNameKana: true, sex: true, birthDate: true,
            // the current insurance's 保険者名・負担割合・有効期限, to compare with the オンライン資格確認 (0060)
            insurances: { where: { endedAt: null }, orderBy: { createdAt: 'desc' }, take: 1, select: { insurerName: true, copaymentRate: true, validUntil: true } },
          },
        },
        orcaLink: true,
      },
    }),
  latestForPatient: (clinicId: string, patientId: string) =>
    db().visit.findFirst({ where: { clinicId, patientId, status: { not: 'cancelled' } }, orderBy: [{ visitDate: 'desc' }, { arrivedAt: 'desc' }] }),
  /** Whether the patient has an earlier visit (not cancelled) than the given day: 再診 then, else 初診. */
  hasEarlierVisit: async (c: Client, clinicId: string, patientId: string, before: Date) =>
    (await c.visit.count({ where: { clinicId, patientId, visitDate: { lt: before }, status: { not: 'cancelled' } } })) > 0,
  findDepartment: (c: Client, clinicId: string, departmentId: string) => c.department.findUnique({ where: { clinicId_id: { clinicId, id: departmentId } } }),
  /** A patient's visits, newest first. */
  listForPatient: (clinicId: string, patientId: string, limit: number) =>
    db().visit.findMany({ where: { clinicId, patientId }, orderBy: [{ visitDate: 'desc' }, { arrivedAt: 'desc' }], take: limit }),
  departments: (clinicId: string) => db().department.findMany({ where: { clinicId }, orderBy: { code: 'asc' } }),
};
