/** Inputs of 入院 (issue 11, docs/decisions/0087): 入院登録, 退院登録, 修正 and 取消. Messages are what the chart shows. */
import { z } from '@/lib/core/zod';
import { isValidIsoDate } from '@/lib/core/dates';
import { DISCHARGE_OUTCOME_CODES } from '@/lib/records/documents/document.constants';
import { ADMISSION_MAX_DIAGNOSES } from './admission.constants';

const uuid = (label: string) => z.string({ error: `${label}を指定してください。` }).uuid(`${label}が正しくありません。`);
const day = (label: string) =>
  z
    .string({ error: `${label}を入力してください。` })
    .trim()
    .min(1, `${label}を入力してください。`)
    .refine((v) => isValidIsoDate(v), `${label}は正しい日付で入力してください。`);
const text = (label: string, max: number) =>
  z
    .string()
    .transform((v) => v.replace(/\r\n/g, '\n').trim())
    .pipe(z.string().max(max, `${label}は${max}文字以内で入力してください。`))
    .default('');
const diagnoses = (label: string) =>
  z
    .array(uuid(label))
    .max(ADMISSION_MAX_DIAGNOSES, `${label}は${ADMISSION_MAX_DIAGNOSES}件までです。`)
    .transform((ids) => [...new Set(ids)])
    .default([]);
const reason = (label: string) =>
  z
    .string({ error: `${label}を入力してください。` })
    .transform((v) => v.normalize('NFKC').trim())
    .pipe(z.string().min(1, `${label}を入力してください。`).max(200, '理由は200文字以内で入力してください。'));
const outcome = z.enum(DISCHARGE_OUTCOME_CODES, { error: '退院時転帰を選択してください。' });

/** 入院登録 */
export const admitPatientSchema = z
  .object({
    patientId: uuid('患者'),
    admittedOn: day('入院日'),
    reason: text('入院理由', 2000).pipe(z.string().min(1, '入院理由を入力してください。')),
    /** lineage ids of the patient's diagnoses */
    admissionDiagnosisIds: diagnoses('入院時診断'),
    attendingDoctorId: uuid('担当医'),
    ward: text('病室・病棟', 60),
  })
  .strict();
export type AdmitPatientInput = z.input<typeof admitPatientSchema>;

/** 退院登録 (of the admission's latest version) */
export const dischargePatientSchema = z
  .object({
    admissionId: uuid('入院'),
    dischargedOn: day('退院日'),
    dischargeDiagnosisIds: diagnoses('退院時診断'),
    outcome,
    destination: text('退院先', 200),
  })
  .strict();
export type DischargePatientInput = z.input<typeof dischargePatientSchema>;

/** 修正: every field of the admission as it should read, with the reason (a new version). */
export const reviseAdmissionSchema = z
  .object({
    admissionId: uuid('入院'),
    admittedOn: day('入院日'),
    reason: text('入院理由', 2000).pipe(z.string().min(1, '入院理由を入力してください。')),
    admissionDiagnosisIds: diagnoses('入院時診断'),
    attendingDoctorId: uuid('担当医'),
    ward: text('病室・病棟', 60),
    /** only for a 退院済 admission */
    dischargedOn: z.string().trim().refine((v) => v === '' || isValidIsoDate(v), '退院日は正しい日付で入力してください。').default(''),
    dischargeDiagnosisIds: diagnoses('退院時診断'),
    outcome: z.union([outcome, z.literal('')]).default(''),
    destination: text('退院先', 200),
    changeReason: reason('修正理由'),
  })
  .strict();
export type ReviseAdmissionInput = z.input<typeof reviseAdmissionSchema>;

export const cancelAdmissionSchema = z.object({ admissionId: uuid('入院'), reason: reason('取消の理由') }).strict();
export type CancelAdmissionInput = z.input<typeof cancelAdmissionSchema>;

export const admissionPatientSchema = z.object({ patientId: uuid('患者') }).strict();
export const admissionLineageSchema = z.object({ lineageId: uuid('入院') }).strict();
