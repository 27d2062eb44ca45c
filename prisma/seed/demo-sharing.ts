/**
 * The 被保険者個人識別子 of every demo patient with a current 医療保険, so the demo's sandbox 電子カルテ情報共有サービス
 * can hold invented other institutions' 6情報 for them (lib/sharing/sandbox/other-institutions.ts).
 */
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { insuranceMemberId } from '@/lib/fhir/patient';
import { DEMO_CLINICS } from './demo-seed';

export async function demoMemberIds(prisma: PrismaClient): Promise<string[]> {
  const clinics = await prisma.clinic.findMany({ where: { institutionNumber: { in: DEMO_CLINICS.map((c) => c.institutionNumber) } }, select: { id: true } });
  const rows = await prisma.patientInsurance.findMany({
    where: { clinicId: { in: clinics.map((c) => c.id) }, endedAt: null, OR: [{ validUntil: null }, { validUntil: { gte: new Date() } }] },
    select: { insurerNumber: true, symbol: true, number: true, branch: true },
  });
  return [...new Set(rows.map((r) => insuranceMemberId(r)))];
}
