/** The 診療科 a new record is written under, by default: the visit's department, else the writer's own (docs/decisions/0020). */
import { db, type Tx } from '@/lib/core/db';

type Client = Tx | ReturnType<typeof db>;

export const recordDepartmentRepository = {
  /** The SS-MIX2 code of the visit's department, else of the user's department; null when neither has one. */
  async defaultDepartmentCode(c: Client, scope: { clinicId: string; visitId: string | null; userId: string }): Promise<string | null> {
    const visit = scope.visitId ? await c.visit.findFirst({ where: { clinicId: scope.clinicId, id: scope.visitId }, select: { departmentId: true } }) : null;
    const user = visit?.departmentId ? null : await c.user.findFirst({ where: { clinicId: scope.clinicId, id: scope.userId }, select: { departmentId: true } });
    const departmentId = visit?.departmentId ?? user?.departmentId;
    if (!departmentId) return null;
    const department = await c.department.findFirst({ where: { clinicId: scope.clinicId, id: departmentId }, select: { code: true } });
    return department?.code ?? null;
  },
};
