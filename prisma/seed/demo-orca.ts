/**
 * Links the demo clinics to the (sandbox) ORCA: ORCA numbers patients, the demo doctors are ORCA's ドクター 10001 and
 * 10002 (the sandbox's fixtures). Idempotent: the demo runs it at every start.
 */
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { DEMO_CLINICS, demoLoginId } from './demo-seed';

export async function linkDemoClinicsToOrca(prisma: PrismaClient): Promise<void> {
  for (const c of DEMO_CLINICS) {
    const doctors = await prisma.user.findMany({
      where: { loginId: { in: [demoLoginId('doctor', c), demoLoginId('doctor2', c)] } },
      select: { id: true, clinicId: true, loginId: true },
    });
    const clinicId = doctors[0]?.clinicId;
    if (!clinicId) continue;
    const physicianCodes = Object.fromEntries(doctors.map((d) => [d.id, d.loginId.startsWith('doctor2@') ? '10002' : '10001']));
    const now = new Date();
    await prisma.orcaSettings.upsert({
      where: { clinicId },
      create: { clinicId, numberingMaster: 'orca', physicianCodes, defaultPhysicianCode: '10001', updatedAt: now },
      update: { physicianCodes, updatedAt: now },
    });
  }
}
