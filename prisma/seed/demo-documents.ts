/**
 * The demo clinics' 紹介先 directory (issue 11): a few invented institutions (prefecture 00, which no real 医療機関コード
 * has; the names say 架空) so that search as you type in the referral editor finds something on a first look.
 * Idempotent: an entry already in a clinic's directory is left as the clinic edited it.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { isoDate } from '@/lib/core/dates';
import { documentContentHash } from '@/lib/records/documents/document-hash';
import { DEMO_CLINICS, demoLoginId } from './demo-seed';

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

/**
 * The 有床診療所 demo's one stay (0087): 入院 2026-10-01 (入院中, version 1, superseded) and its 退院登録 on 2026-10-08
 * (退院済, 治癒・軽快, 自宅; version 2), written as the write path would write them (the trigger lets a seed insert
 * versions, never change them). Returns the version the demo's 退院時サマリー was written from.
 */
async function seedDemoAdmission(prisma: PrismaClient, s: { clinicId: string; patientId: string; doctorId: string; diagnosisIds: string[] }) {
  const lineageId = randomUUID();
  const discharged = randomUUID();
  const base = {
    clinicId: s.clinicId,
    lineageId,
    patientId: s.patientId,
    admittedOn: new Date('2026-10-01T00:00:00.000Z'),
    reason: '脱水と食欲低下の補液加療',
    admissionDiagnosisIds: s.diagnosisIds.slice(0, 1),
    attendingDoctorId: s.doctorId,
    ward: '2階 201号室',
    recordedById: s.doctorId,
  };
  await prisma.admission.createMany({
    data: [
      { ...base, id: randomUUID(), version: 1, isLatest: false, status: 'admitted', dischargeDiagnosisIds: [], createdAt: new Date('2026-10-01T01:00:00.000Z'), supersededAt: new Date('2026-10-08T01:00:00.000Z') },
      { ...base, id: discharged, version: 2, isLatest: true, status: 'discharged', dischargedOn: new Date('2026-10-08T00:00:00.000Z'), dischargeDiagnosisIds: s.diagnosisIds, outcome: '1', destination: '自宅', createdAt: new Date('2026-10-08T01:00:00.000Z') },
    ],
  });
  return { id: discharged, lineageId, version: 2 };
}

/**
 * The demo's 確定 documents (issue 11), so that the 文書 panel, the vendor API's DocumentReference and
 * `npm run fhir:export` have one of each kind: a 診療情報提供書 to 青葉台総合病院（架空）, a 退院時サマリー and a
 * 健康診断結果報告書, for the first three demo patients with a chart (seedDemoClinical). Each lists the patient's own
 * 確定 diagnoses, allergies and latest prescription as they stand. Idempotent: skipped once the clinic has a document.
 */
export async function seedDemoDocuments(prisma: PrismaClient): Promise<number> {
  const clinicDef = DEMO_CLINICS[0]!;
  const entry = await prisma.institutionNumber.findUnique({ where: { institutionNumber: clinicDef.institutionNumber } });
  if (!entry || (await prisma.clinicalDocument.count({ where: { clinicId: entry.clinicId } }))) return 0;
  const clinicId = entry.clinicId;
  const doctor = await prisma.user.findFirst({ where: { clinicId, loginId: demoLoginId('doctor', clinicDef) } });
  const institution = await prisma.referralInstitution.findFirst({ where: { clinicId, code: DEMO_REFERRAL_INSTITUTIONS[0].code } });
  if (!doctor || !institution) return 0;
  const withChart = await prisma.patient.findMany({ where: { clinicId, diagnoses: { some: { status: 'final', isLatest: true } } }, orderBy: { patientNumber: 'asc' }, take: 3 });
  if (withChart.length < 3) return 0;

  const recordsOf = async (patientId: string) => {
    const [diagnoses, allergies, prescription] = await Promise.all([
      prisma.diagnosis.findMany({ where: { clinicId, patientId, status: 'final', isLatest: true }, orderBy: [{ isPrimary: 'desc' }, { startDate: 'asc' }] }),
      prisma.allergy.findMany({ where: { clinicId, patientId, status: 'final', isLatest: true } }),
      prisma.prescription.findFirst({ where: { clinicId, patientId, status: 'final', isLatest: true }, orderBy: { issuedDate: 'desc' }, include: { items: { orderBy: [{ rpNumber: 'asc' }, { sortOrder: 'asc' }] } } }),
    ]);
    const lines = (prescription?.items ?? []).map((i) => `${i.drugName} ${i.dose.toString()}${i.doseUnit} ${i.usageText}${i.days ? ` ${i.days}日分` : ''}`);
    return {
      diagnoses: diagnoses.map((d) => ({ lineageId: d.lineageId, name: d.displayName, primary: d.isPrimary, suspected: d.isSuspected, startDate: isoDate(d.startDate), outcome: null })),
      allergies: allergies.map((a) => ({ lineageId: a.lineageId, category: '薬剤', name: a.substanceName, reaction: a.reaction, severity: null })),
      prescriptions: prescription ? [{ id: prescription.id, lineageId: prescription.lineageId, version: prescription.version, issuedDate: isoDate(prescription.issuedDate), lines }] : [],
      medications: lines.join('\n'),
    };
  };
  const [a, b, c] = withChart as [(typeof withChart)[number], (typeof withChart)[number], (typeof withChart)[number]];
  const ra = await recordsOf(a.id);
  const rb = await recordsOf(b.id);
  const admission = await seedDemoAdmission(prisma, { clinicId, patientId: b.id, doctorId: doctor.id, diagnosisIds: rb.diagnoses.map((d) => d.lineageId) });
  const empty = { diagnosesNote: '', allergiesNote: '' };
  const documents: { patientId: string; kind: string; institutionId: string | null; content: object }[] = [
    {
      patientId: a.id,
      kind: 'referral',
      institutionId: institution.id,
      content: {
        destination: { institutionId: institution.id, code: institution.code, name: institution.name, address: institution.address, phone: institution.phone, department: '循環器内科', doctor: '青葉 一郎' },
        purpose: '精査加療のお願い',
        chiefComplaint: '労作時の胸部圧迫感',
        presentIllness: '1か月前から坂道で胸部圧迫感があり、安静で数分で軽快します。',
        pastHistory: '',
        familyHistory: '父 心筋梗塞',
        clinicalCourse: '降圧薬で血圧は安定していましたが、症状の出現により精査をお願いします。',
        medications: ra.medications,
        labsNote: '',
        remarks: 'ご高診のほどよろしくお願いいたします。',
        ...empty,
        diagnoses: ra.diagnoses,
        allergies: ra.allergies,
        labs: [],
        prescriptions: ra.prescriptions,
      },
    },
    {
      patientId: b.id,
      kind: 'discharge_summary',
      institutionId: null,
      content: {
        admissionDate: '2026-10-01',
        dischargeDate: '2026-10-08',
        destination: '自宅',
        outcome: '1',
        attendingDoctor: doctor.displayName,
        reasonForAdmission: '脱水と食欲低下の補液加療',
        chiefComplaint: '食欲低下、倦怠感',
        presentIllness: '3日前から食事がとれず、倦怠感が強くなりました。',
        pastHistory: '',
        hospitalCourse: '補液で脱水は改善し、第4病日から食事摂取が回復しました。',
        medications: rb.medications,
        dischargeCondition: 'ADL自立、食事摂取良好',
        instructions: '1週間後に外来で再診',
        ...empty,
        admissionDiagnoses: rb.diagnoses.slice(0, 1),
        dischargeDiagnoses: rb.diagnoses,
        allergies: rb.allergies,
        prescriptions: rb.prescriptions,
        // written from the 入院 record's 退院済 version (0087)
        admission,
      },
    },
    {
      patientId: c.id,
      kind: 'checkup_report',
      institutionId: null,
      content: {
        examDate: '2026-10-15',
        values: { height: '165.2', weight: '68.4', bmi: '25.1', waist: '86', systolic: '132', diastolic: '84', hba1c: '5.9' },
        urineGlucose: '1',
        urineProtein: '1',
        metabolic: '',
        overallJudgment: 'B 要経過観察',
        doctorComment: '血圧と腹囲がやや高めです。減塩と運動を続けてください。',
      },
    },
  ];
  for (const d of documents) {
    // 確定 now, after the records they list (a document is built from its records as they stood at 確定)
    const confirmedAt = new Date();
    await prisma.$transaction(async (tx) => {
      const row = await tx.clinicalDocument.create({ data: { clinicId, lineageId: randomUUID(), patientId: d.patientId, kind: d.kind, institutionId: d.institutionId, content: d.content, authorId: doctor.id, entererId: doctor.id, createdAt: confirmedAt } });
      await tx.clinicalDocument.update({ where: { clinicId_id: { clinicId, id: row.id } }, data: { status: 'final', confirmedById: doctor.id, confirmedAt, contentHash: documentContentHash(row) } });
    });
  }
  return documents.length;
}
