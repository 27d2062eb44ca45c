import { db, Prisma, type Tx } from '@/lib/core/db';
import type { MedicationAllergyDto } from './allergy.dto';
import { ALLERGY_SEVERITIES } from './allergy.constants';
import { oneOf } from '@/lib/core/text-enum';

type Client = Tx | ReturnType<typeof db>;
type Scope = { clinicId: string };
type PatientScope = Scope & { patientId: string };

export const allergyRepository = {
  create: (tx: Tx, data: Prisma.AllergyUncheckedCreateInput) => tx.allergy.create({ data }),

  findById: (c: Client, scope: Scope & { id: string }) =>
    c.allergy.findFirst({ where: { clinicId: scope.clinicId, id: scope.id } }),

  /** Marks the current latest version superseded; 0 rows means a concurrent edit got there first. */
  supersede: (tx: Tx, scope: Scope & { id: string }) =>
    tx.allergy.updateMany({
      where: { clinicId: scope.clinicId, id: scope.id, isLatest: true },
      data: { isLatest: false, supersededAt: new Date() },
    }),

  /** Latest versions not entered in error; activeOnly for the banner. */
  listLatest: (c: Client, scope: PatientScope, options: { activeOnly?: boolean } = {}) =>
    c.allergy.findMany({
      where: {
        clinicId: scope.clinicId,
        patientId: scope.patientId,
        isLatest: true,
        status: 'final',
        ...(options.activeOnly ? { clinicalStatus: 'active' as const } : {}),
      },
      orderBy: { createdAt: 'desc' },
    }),

  listAllVersions: (c: Client, scope: PatientScope) =>
    c.allergy.findMany({ where: { clinicId: scope.clinicId, patientId: scope.patientId }, orderBy: [{ lineageId: 'asc' }, { version: 'desc' }] }),

  /** J-FAGY row (global master) for a chosen code. */
  findAllergen: (c: Client, code: string) => c.allergenMaster.findUnique({ where: { code } }),
};

/**
 * For the prescription safety check (called inside the prescription's transaction; the caller checks permission
 * and audits): the patient's active medication allergies, latest version only, never entered in error.
 */
export async function listActiveMedicationAllergies(tx: Tx, scope: { clinicId: string; patientId: string }): Promise<MedicationAllergyDto[]> {
  const rows = await tx.allergy.findMany({
    where: { clinicId: scope.clinicId, patientId: scope.patientId, isLatest: true, status: 'final', clinicalStatus: 'active', category: 'medication' },
    orderBy: { createdAt: 'asc' },
    select: { id: true, lineageId: true, substanceName: true, yjCode: true, code: true, codeSystem: true, severity: true, reaction: true },
  });
  return rows.map((r) => ({ ...r, severity: oneOf(ALLERGY_SEVERITIES, r.severity) }));
}
