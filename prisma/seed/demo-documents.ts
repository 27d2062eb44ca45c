/**
 * The demo clinics' 紹介先 directory (issue 11): a few invented institutions (prefecture 00, which no real 医療機関コード
 * has; the names say 架空) so that search as you type in the referral editor finds something on a first look.
 * Idempotent: an entry already in a clinic's directory is left as the clinic edited it.
 */
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { DEMO_CLINICS } from './demo-seed';

export const DEMO_REFERRAL_INSTITUTIONS = [
  { code: '0019990011', name: '青葉台総合病院（架空）', nameKana: 'あおばだいそうごうびょういん', address: '架空県青葉台市中央1-1', phone: '000-111-0001', departments: ['循環器内科', '消化器内科', '整形外科', '眼科'], doctors: ['青葉 一郎', '中央 花子'] },
  { code: '0019990029', name: 'みどり坂内科クリニック（架空）', nameKana: 'みどりざかないかくりにっく', address: '架空県みどり坂町2-3', phone: '000-222-0002', departments: ['内科', '糖尿病内科'], doctors: ['緑 健'] },
  { code: '0019990037', name: '港南大学病院（架空）', nameKana: 'こうなんだいがくびょういん', address: '架空県港南市大学通4-5', phone: '000-333-0003', departments: ['腎臓内科', '呼吸器内科', '脳神経内科'], doctors: [] },
] as const;

export async function seedDemoReferralInstitutions(prisma: PrismaClient): Promise<number> {
  const clinics = await prisma.clinic.findMany({ where: { institutionNumber: { in: DEMO_CLINICS.map((c) => c.institutionNumber) } }, select: { id: true } });
  const { count } = await prisma.referralInstitution.createMany({
    data: clinics.flatMap((c) => DEMO_REFERRAL_INSTITUTIONS.map((i) => ({ ...i, departments: [...i.departments], doctors: [...i.doctors], clinicId: c.id }))),
    skipDuplicates: true,
  });
  return count;
}
