/**
 * The demo's received letter: the JP-CLINS example 診療情報提供書 of another institution (港診療所, built from the IG's
 * example resources, lib/sharing/sandbox/example-letter.ts), about one of みなと整形外科医院's demo patients and addressed
 * to it, registered at the demo's sandbox sharing service when the demo starts. みなと's inbox job fetches it like any
 * letter, so its doctors find a letter to open, link to the patient (name, kana, birth date and 被保険者番号 match) and
 * import an allergy from after review. Nothing is written to the database here.
 */
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { bundleContentHash } from '@/lib/fhir/bundle';
import { insuranceMemberId } from '@/lib/fhir/patient';
import type { SandboxStore } from '@/lib/sharing/sandbox/sandbox-store';
import { exampleLetterTo } from '@/lib/sharing/sandbox/example-letter';
import { DEMO_CLINICS } from './demo-seed';

/** Registers the letter for みなと's first demo patient with a current 医療保険; false when there is none. */
export async function registerDemoInboxLetter(prisma: PrismaClient, store: SandboxStore): Promise<boolean> {
  const minato = DEMO_CLINICS[1]!;
  const clinic = await prisma.clinic.findFirst({ where: { institutionNumber: minato.institutionNumber }, select: { id: true, name: true } });
  if (!clinic) return false;
  const insurance = await prisma.patientInsurance.findFirst({
    where: { clinicId: clinic.id, endedAt: null, OR: [{ validUntil: null }, { validUntil: { gte: new Date() } }], patient: { deletedAt: null } },
    orderBy: [{ patient: { patientNumber: 'asc' } }, { createdAt: 'desc' }],
    include: { patient: true },
  });
  if (!insurance) return false;
  const p = insurance.patient;
  const memberId = insuranceMemberId(insurance);
  const bundle = exampleLetterTo(minato.institutionNumber, {
    familyName: p.familyName,
    givenName: p.givenName,
    familyNameKana: p.familyNameKana,
    givenNameKana: p.givenNameKana,
    sex: p.sex,
    birthDate: p.birthDate.toISOString().slice(0, 10),
    memberId,
  }, clinic.name);
  const registered = store.registerDocument({ identifier: bundle.identifier!.value!, version: 1, memberId, bundle, contentHash: bundleContentHash(bundle) });
  if (!registered.ok) throw new Error(`demo inbox letter refused by the sandbox: ${JSON.stringify(registered.issues)}`);
  return true;
}
