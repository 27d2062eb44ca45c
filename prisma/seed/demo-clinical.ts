/**
 * A lived-in demo: a few patients of さくら内科クリニック with years of diagnoses, allergies, lab results,
 * prescriptions and notes, and this morning's reception queue. Codes come from the demo masters loaded
 * just before (never invented). Idempotent: skipped when the clinic already has clinical records.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { dateOnly, todayJst } from '@/lib/core/dates';
import { noteContentHash } from '@/lib/records/notes/note.dto';
import { prescriptionContentHash } from '@/lib/records/prescriptions/prescription-hash';
import { LAB_ITEMS_BY_KEY, computeLabFlag, referenceRangeFor } from '@/lib/records/lab-results/lab-items';
import { ingredientLabel } from '@/lib/records/allergies/ingredient-label';
import { DEMO_CLINICS, DEMO_STORY_BORN_BY, demoLoginId } from './demo-seed';
import { rng } from './names';

type Story = {
  diagnoses: { name: string; startYearsAgo: number; primary?: boolean }[];
  allergy?: { drugName: string; reaction: string; severity: 'mild' | 'moderate' | 'severe' };
  labs: { key: string; base: number; drift: number; noise: number }[];
  drugs: { namePrefix: string; dose: number; unit: string; usageCode: string; usageText: string; days: number }[];
  note: { s: string; o: string; a: string; p: string };
};

const STORIES: Story[] = [
  {
    diagnoses: [{ name: '高血圧症', startYearsAgo: 6, primary: true }, { name: '脂質異常症', startYearsAgo: 4 }],
    allergy: { drugName: 'ロキソプロフェン', reaction: '蕁麻疹', severity: 'moderate' },
    labs: [{ key: 'LDLC', base: 168, drift: -8, noise: 10 }, { key: 'HDLC', base: 48, drift: 1, noise: 4 }, { key: 'TG', base: 180, drift: -6, noise: 25 }, { key: 'CRE', base: 0.9, drift: 0.02, noise: 0.05 }],
    drugs: [
      { namePrefix: 'アムロジピン', dose: 1, unit: '錠', usageCode: '1013044400000000', usageText: '1日1回朝食後', days: 28 },
      { namePrefix: 'ロスバスタチン', dose: 1, unit: '錠', usageCode: '1013044400000000', usageText: '1日1回朝食後', days: 28 },
    ],
    note: { s: '朝の家庭血圧 135/85 前後。頭痛なし。', o: '胸部聴診異常なし。下腿浮腫なし。', a: '高血圧症：コントロール良好。脂質異常症：改善傾向。', p: '処方継続。次回採血3か月後。減塩を継続。' },
  },
  {
    diagnoses: [{ name: '２型糖尿病', startYearsAgo: 8, primary: true }, { name: '高血圧症', startYearsAgo: 5 }],
    labs: [{ key: 'HbA1c', base: 8.1, drift: -0.15, noise: 0.3 }, { key: 'GLU', base: 160, drift: -5, noise: 20 }, { key: 'CRE', base: 1.0, drift: 0.03, noise: 0.06 }, { key: 'UPRO', base: 0, drift: 0, noise: 0 }],
    drugs: [{ namePrefix: 'メトホルミン', dose: 3, unit: '錠', usageCode: '1013044400000000', usageText: '1日3回毎食後', days: 28 }],
    note: { s: '間食を減らしている。低血糖症状なし。', o: '体重 1kg 減。足病変なし。', a: '２型糖尿病：HbA1c 改善傾向。', p: '処方継続。眼科受診を勧めた。' },
  },
  {
    diagnoses: [{ name: 'アレルギー性鼻炎', startYearsAgo: 3, primary: true }, { name: '急性上気道炎', startYearsAgo: 0 }],
    allergy: { drugName: 'アモキシシリン', reaction: '発疹', severity: 'mild' },
    labs: [{ key: 'WBC', base: 6800, drift: 0, noise: 900 }, { key: 'CRP', base: 0.1, drift: 0, noise: 0.08 }],
    drugs: [{ namePrefix: 'フェキソフェナジン', dose: 2, unit: '錠', usageCode: '1013044400000000', usageText: '1日2回朝夕食後', days: 14 }],
    note: { s: '3日前から咽頭痛、鼻汁。発熱なし。', o: '咽頭軽度発赤。肺音清。', a: '急性上気道炎。アレルギー性鼻炎の増悪も疑う。', p: '対症療法。増悪時再診。' },
  },
];

export async function seedDemoClinical(prisma: PrismaClient, log: (m: string) => void = () => {}) {
  const clinicDef = DEMO_CLINICS[0]!;
  const entry = await prisma.institutionNumber.findUnique({ where: { institutionNumber: clinicDef.institutionNumber } });
  const clinic = entry && (await prisma.clinic.findUnique({ where: { id: entry.clinicId } }));
  if (!clinic) return;
  const hasRecords = (await prisma.diagnosis.count({ where: { clinicId: clinic.id } })) > 0;
  const doctor = await prisma.user.findFirst({ where: { clinicId: clinic.id, loginId: demoLoginId('doctor', clinicDef) } });
  const receptionist = await prisma.user.findFirst({ where: { clinicId: clinic.id, loginId: demoLoginId('reception', clinicDef) } });
  if (!doctor || !receptionist) return;
  const r = rng(777);
  const today = todayJst();
  const now = Date.now();
  const clinicId = clinic.id;

  // adults born before 1976, so a 2型糖尿病 story never lands on a child
  const adults = await prisma.patient.findMany({ where: { clinicId, birthDate: { lte: dateOnly(DEMO_STORY_BORN_BY) } }, orderBy: { patientNumber: 'asc' }, take: STORIES.length });
  for (const [index, story] of (hasRecords ? [] : STORIES).entries()) {
    const patient = adults[index];
    if (!patient) continue;
    const patientId = patient.id;
    await prisma.$transaction(async (tx) => {
      for (const d of story.diagnoses) {
        const master = await tx.diseaseMaster.findFirst({ where: { name: d.name, abolishedOn: null } });
        const start = new Date(now - d.startYearsAgo * 365 * 86_400_000).toISOString().slice(0, 10);
        await tx.diagnosis.create({
          data: {
            clinicId, lineageId: randomUUID(), patientId, status: 'final',
            diseaseCode: master?.code ?? null, medisKeyNumber: master?.keyNumber ?? null, exchangeCode: master?.exchangeCode ?? null, icd10: master?.icd10 ?? null,
            baseName: master?.name ?? d.name, displayName: master?.name ?? d.name, isPrimary: d.primary ?? false,
            startDate: dateOnly(start), recordedById: doctor.id,
          },
        });
      }
      if (story.allergy) {
        const drug = await tx.drugMaster.findFirst({ where: { name: { startsWith: story.allergy.drugName }, yjCode: { not: null } } });
        await tx.allergy.create({
          data: {
            clinicId, lineageId: randomUUID(), patientId, status: 'final', category: 'medication',
            codeSystem: drug?.yjCode ? 'yj' : null, code: drug?.yjCode ?? null, yjCode: drug?.yjCode ?? null,
            substanceName: drug ? ingredientLabel(drug) : story.allergy.drugName, reaction: story.allergy.reaction, severity: story.allergy.severity,
            recordedById: doctor.id,
          },
        });
      }
      // quarterly labs over three years
      for (let q = 12; q >= 0; q--) {
        const collectedAt = new Date(now - q * 91 * 86_400_000 - 2 * 3600_000);
        const reportId = randomUUID();
        for (const lab of story.labs) {
          const item = LAB_ITEMS_BY_KEY.get(lab.key);
          if (!item) continue;
          const raw = lab.base + lab.drift * (12 - q) + (r() - 0.5) * 2 * lab.noise;
          const ordinal = item.valueType !== 'numeric';
          const value = ordinal ? (item.normalValue ?? '(-)') : Number(raw.toFixed(item.decimals ?? 1));
          const range = referenceRangeFor(item, patient.sex === 'male' || patient.sex === 'female' ? patient.sex : null);
          await tx.labResult.create({
            data: {
              clinicId, lineageId: randomUUID(), patientId, status: 'final', itemKey: item.key, jlac10: item.jlac10, localCode: item.key,
              itemName: item.nameJa, valueNumber: ordinal ? null : (value as number), valueText: ordinal ? String(value) : null,
              unit: item.unitDisplay ?? item.unit, referenceLow: range?.low ?? null, referenceHigh: range?.high ?? null,
              flag: computeLabFlag({ item, value, sex: patient.sex === 'male' || patient.sex === 'female' ? patient.sex : null }),
              specimen: item.specimen, specimenCode: item.specimenCode, collectedAt, reportedAt: collectedAt, source: 'csv', reportId, performer: 'デモ臨床検査センター',
              recordedById: doctor.id,
            },
          });
        }
      }
      // last month's prescription (確定), so 前回Do has something to copy
      if (story.drugs.length) {
        const issued = new Date(now - 20 * 86_400_000).toISOString().slice(0, 10);
        const items = [];
        for (const [i, d] of story.drugs.entries()) {
          const drug = await tx.drugMaster.findFirst({ where: { name: { startsWith: d.namePrefix }, yjCode: { not: null } }, orderBy: { code: 'asc' } });
          if (!drug) continue;
          items.push({ rpNumber: i + 1, sortOrder: 0, kind: 'internal' as const, drugCodeSystem: 'yj', drugCode: drug.yjCode, yjCode: drug.yjCode, receiptCode: drug.code, drugName: drug.name, dose: d.dose, doseUnit: d.unit, doseBasis: 'per_day', usageCode: d.usageCode, usageText: d.usageText, days: d.days });
        }
        if (items.length) {
          const confirmedAt = new Date(now - 20 * 86_400_000);
          const p = await tx.prescription.create({
            data: {
              clinicId, lineageId: randomUUID(), patientId, status: 'draft', issuedDate: dateOnly(issued), authorId: doctor.id, entererId: doctor.id,
              items: { create: items },
            },
            include: { items: true },
          });
          await tx.prescription.update({
            where: { clinicId_id: { clinicId, id: p.id } },
            data: { status: 'final', confirmedById: doctor.id, confirmedAt, contentHash: prescriptionContentHash(p, p.items) },
          });
        }
      }
      const note = await tx.clinicalNote.create({
        data: {
          clinicId, lineageId: randomUUID(), patientId, status: 'draft', subjective: story.note.s, objective: story.note.o, assessment: story.note.a, plan: story.note.p,
          systolicBp: 128 + Math.floor(r() * 10), diastolicBp: 78 + Math.floor(r() * 8), pulse: 70 + Math.floor(r() * 10), bodyTempC: 36.5,
          authorId: doctor.id, entererId: doctor.id, createdAt: new Date(now - 20 * 86_400_000),
        },
      });
      await tx.clinicalNote.update({
        where: { clinicId_id: { clinicId, id: note.id } },
        data: { status: 'final', confirmedById: doctor.id, confirmedAt: new Date(now - 20 * 86_400_000), contentHash: noteContentHash(note) },
      });
    });
  }

  // this morning's queue
  const visitDate = dateOnly(today);
  if (!(await prisma.visit.count({ where: { clinicId, visitDate } }))) {
    const queue: { story: number; status: 'received' | 'waiting' | 'in_consultation'; minutesAgo: number }[] = [
      { story: 1, status: 'in_consultation', minutesAgo: 42 },
      { story: 2, status: 'waiting', minutesAgo: 25 },
      { story: 3, status: 'received', minutesAgo: 8 },
    ];
    for (const [i, q] of queue.entries()) {
      const patient = adults[q.story - 1];
      if (!patient) continue;
      const arrivedAt = new Date(now - q.minutesAgo * 60_000);
      await prisma.visit.create({
        data: {
          clinicId, patientId: patient.id, visitDate, receptionNumber: i + 1, arrivedAt, status: q.status, statusChangedAt: arrivedAt,
          doctorId: q.status === 'in_consultation' ? doctor.id : null,
          eligibilityResult: 'valid', eligibilityCheckedAt: arrivedAt, eligibilityDetail: { result: 'valid', insurerName: '健康保険組合' }, createdById: receptionist.id,
          statusChanges: { create: [{ fromStatus: null, toStatus: 'received', changedById: receptionist.id, changedAt: arrivedAt }] },
        },
      });
    }
  }
  if (!hasRecords) log('デモ用の診療記録を作成しました');
}
