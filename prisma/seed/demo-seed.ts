/**
 * Demo data: two clinics with staff of every role and ~60 patients each (realistic names, insurance).
 * Idempotent: does nothing when the demo clinics exist. Also used by the e2e tests and benchmarks.
 */
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { hashPassword } from '@/lib/auth/password';
import { sealSecret } from '@/lib/auth/secret-box';
import { toKanaSearchKey, toNameSearchKey } from '@/lib/core/kana';
import { dateOnly } from '@/lib/core/dates';
import { ADDRESSES, FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES, pick, rng } from './names';

export const DEMO_PASSWORD = 'karte-demo-2026';

export type DemoClinic = {
  key: 'a' | 'b';
  institutionNumber: string;
  name: string;
  nameKana: string;
  postalCode: string;
  address: string;
  phone: string;
  mfaRequired: boolean;
  /** 有床診療所 (the chart's 入院 panel) */
  hasBeds: boolean;
  domain: string;
  departments: [string, string][];
};

export const DEMO_CLINICS: DemoClinic[] = [
  {
    key: 'a',
    institutionNumber: '1311234567',
    name: 'さくら内科クリニック',
    nameKana: 'サクラナイカクリニック',
    postalCode: '160-0023',
    address: '東京都新宿区西新宿1-2-3 さくらビル2階',
    phone: '03-1234-5678',
    mfaRequired: false,
    hasBeds: true,
    domain: 'sakura.example.jp',
    departments: [['01', '内科'], ['08', '循環器科'], ['09', '小児科']],
  },
  {
    key: 'b',
    institutionNumber: '2719876543',
    name: 'みなと整形外科医院',
    nameKana: 'ミナトセイケイゲカイイン',
    postalCode: '552-0007',
    address: '大阪府大阪市港区弁天1-2-1',
    phone: '06-6573-1234',
    mfaRequired: true,
    hasBeds: false,
    domain: 'minato.example.jp',
    departments: [['01', '内科'], ['11', '整形外科'], ['34', 'リハビリテーション科']],
  },
];

/** Fixed TOTP secrets of clinic B's demo staff (MFA is required there), so a newcomer can log in. */
export const DEMO_TOTP_SECRETS: Record<string, string> = {
  doctor: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU',
  nurse: 'NZ2XE43FONSWG4TFORXXK4TTMVRXEZLU',
  receptionist: 'OJSWGZLQORUW63TJON2HK4TTMVRXEZLU',
  clinic_admin: 'MFSG22LOMFSG22LOMFSG22LOMFSG22LO',
};

/** Staff of both demo clinics; `only` puts an account in one clinic (the operator lives in さくら's tenant for the demo). */
export const DEMO_STAFF: { role: 'doctor' | 'nurse' | 'receptionist' | 'clinic_admin' | 'operator'; local: string; names: Partial<Record<'a' | 'b', [string, string]>>; only?: 'a' }[] = [
  { role: 'doctor', local: 'doctor', names: { a: ['桜井 誠一', 'サクライ セイイチ'], b: ['港 健太郎', 'ミナト ケンタロウ'] } },
  { role: 'doctor', local: 'doctor2', names: { a: ['内田 美穂', 'ウチダ ミホ'], b: ['西田 直人', 'ニシダ ナオト'] } },
  { role: 'nurse', local: 'nurse', names: { a: ['看野 優子', 'カンノ ユウコ'], b: ['森本 彩', 'モリモト アヤ'] } },
  { role: 'receptionist', local: 'reception', names: { a: ['受田 花', 'ウケダ ハナ'], b: ['大西 真理', 'オオニシ マリ'] } },
  { role: 'clinic_admin', local: 'admin', names: { a: ['管 理恵', 'カン リエ'], b: ['松井 聡', 'マツイ サトシ'] } },
  { role: 'operator', local: 'operator', names: { a: ['運用 太郎', 'ウンヨウ タロウ'] }, only: 'a' },
];

export const demoLoginId = (local: string, clinic: DemoClinic) => `${local}@${clinic.domain}`;

/** Insurer numbers of real structure: 法別番号 2 + 都道府県 2 + 保険者別 3 + check digit. */
export const DEMO_INSURERS = ['06131239', '01130012', '31130016', '32131013', '06270011', '01270016', '00138016', '00270017', '39131016'];

/** Patients per demo clinic, made from a fixed seed per clinic (the same names on every start). */
export const DEMO_PATIENTS_PER_CLINIC = 60;
const patientSeed = (clinicIndex: number) => 20260401 + clinicIndex;
/** The demo's stories (years of records, this morning's queue) go to its first adults by 患者番号 born by this date. */
export const DEMO_STORY_BORN_BY = '1975-12-31';

/**
 * The demo patients of clinic A who carry its stories, in story order, as the seed makes them: the browser tests find
 * them by name (a demo started before midnight JST has yesterday's queue after it).
 */
export function demoStoryPatients(): { patientNumber: number; fullName: string; kana: string }[] {
  return patientRows('', 'a', DEMO_PATIENTS_PER_CLINIC, patientSeed(0), '')
    .filter((p) => p.birthDate.toISOString().slice(0, 10) <= DEMO_STORY_BORN_BY)
    .map((p) => ({ patientNumber: p.patientNumber, fullName: `${p.familyName} ${p.givenName}`, kana: `${p.familyNameKana}${p.givenNameKana}` }));
}

function patientRows(clinicId: string, clinicKey: 'a' | 'b', count: number, seed: number, createdById: string) {
  const r = rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const sex = r() < 0.5 ? 'male' : 'female';
    const [family, familyKana] = pick(r, FAMILY_NAMES);
    const [given, givenKana] = pick(r, sex === 'male' ? MALE_NAMES : FEMALE_NAMES);
    const year = 1935 + Math.floor(r() * 85);
    const month = 1 + Math.floor(r() * 12);
    const day = 1 + Math.floor(r() * 28);
    const [postalCode, address] = pick(r, ADDRESSES);
    const mobile = r() < 0.6;
    const phone = mobile
      ? `090-${String(1000 + Math.floor(r() * 9000))}-${String(1000 + Math.floor(r() * 9000))}`
      : `${clinicKey === 'a' ? '03' : '06'}-${String(1000 + Math.floor(r() * 9000))}-${String(1000 + Math.floor(r() * 9000))}`;
    return {
      clinicId,
      patientNumber: i + 1,
      familyName: family,
      givenName: given,
      familyNameKana: familyKana,
      givenNameKana: givenKana,
      nameSearch: toNameSearchKey(family + given),
      kanaSearch: toKanaSearchKey(familyKana + givenKana),
      sex: sex as 'male' | 'female',
      birthDate: dateOnly(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`),
      postalCode,
      address: `${address}-${1 + Math.floor(r() * 20)}`,
      phone,
      phoneDigits: phone.replace(/\D/g, ''),
      createdById,
      updatedById: createdById,
      insurer: pick(r, DEMO_INSURERS),
      symbol: String(Math.floor(r() * 9000) + 1000),
      number: String(Math.floor(r() * 900000) + 100000),
      expired: r() < 0.05,
    };
  });
}

export async function seedDemo(prisma: PrismaClient, options: { patientsPerClinic?: number; log?: (m: string) => void } = {}) {
  const log = options.log ?? (() => {});
  const existing = await prisma.institutionNumber.findUnique({ where: { institutionNumber: DEMO_CLINICS[0]!.institutionNumber } });
  if (existing) {
    log('demo data already present');
    return;
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const [index, c] of DEMO_CLINICS.entries()) {
    await prisma.$transaction(async (tx) => {
      const clinic = await tx.clinic.create({
        data: { institutionNumber: c.institutionNumber, loginDomain: c.domain, name: c.name, nameKana: c.nameKana, postalCode: c.postalCode, address: c.address, phone: c.phone, mfaRequired: c.mfaRequired, hasBeds: c.hasBeds },
      });
      await tx.institutionNumber.create({ data: { institutionNumber: c.institutionNumber, clinicId: clinic.id } });
      await tx.loginDomain.create({ data: { loginDomain: c.domain, clinicId: clinic.id } });
      for (const [code, name] of c.departments) await tx.department.create({ data: { clinicId: clinic.id, code, name } });
      let adminId = '';
      for (const s of DEMO_STAFF) {
        if (s.only && s.only !== c.key) continue;
        const loginId = demoLoginId(s.local, c);
        const secret = c.mfaRequired ? DEMO_TOTP_SECRETS[s.role === 'doctor' && s.local === 'doctor2' ? 'doctor' : s.role] : undefined;
        const user = await tx.user.create({
          data: {
            clinicId: clinic.id,
            loginId,
            displayName: s.names[c.key]![0],
            displayNameKana: s.names[c.key]![1],
            role: s.role,
            licenseNumber: s.role === 'doctor' ? `${400000 + index * 1000 + s.local.length}` : null,
            passwordHash,
            ...(secret ? { totpSecret: sealSecret(secret), totpEnabledAt: new Date() } : {}),
          },
        });
        if (s.role === 'clinic_admin') adminId = user.id;
        await tx.loginName.create({ data: { loginId, clinicId: clinic.id, userId: user.id } });
      }
      const rows = patientRows(clinic.id, c.key, options.patientsPerClinic ?? DEMO_PATIENTS_PER_CLINIC, patientSeed(index), adminId);
      await tx.patient.createMany({ data: rows.map(({ insurer, symbol, number, expired, ...p }) => p) });
      const patients = await tx.patient.findMany({ where: { clinicId: clinic.id }, select: { id: true, patientNumber: true } });
      const byNumber = new Map(patients.map((p) => [p.patientNumber, p.id]));
      await tx.patientInsurance.createMany({
        data: rows.map((p) => ({
          clinicId: clinic.id,
          patientId: byNumber.get(p.patientNumber)!,
          insurerNumber: p.insurer,
          symbol: p.symbol,
          number: p.number,
          branch: '00',
          relationship: 'self',
          validFrom: dateOnly('2024-04-01'),
          validUntil: p.expired ? dateOnly('2025-03-31') : null,
        })),
      });
      await tx.patientRevision.createMany({
        data: rows.map((p) => ({
          clinicId: clinic.id,
          patientId: byNumber.get(p.patientNumber)!,
          version: 1,
          changeType: 'create',
          snapshot: { familyName: p.familyName, givenName: p.givenName, familyNameKana: p.familyNameKana, givenNameKana: p.givenNameKana, sex: p.sex, birthDate: p.birthDate.toISOString().slice(0, 10), postalCode: p.postalCode, address: p.address, phone: p.phone, insurance: { insurerNumber: p.insurer, symbol: p.symbol, number: p.number, branch: '00', relationship: 'self' } },
          changedById: adminId,
          reason: 'デモデータ',
        })),
      });
      await tx.clinic.update({ where: { id: clinic.id }, data: { nextPatientNumber: rows.length + 1 } });
    }, { timeout: 120_000 });
    log(`seeded ${c.name}`);
  }
}
