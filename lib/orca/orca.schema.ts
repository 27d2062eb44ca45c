import { z } from '@/lib/core/zod';
import { ORCA_MEDICAL_INFORMATION_CODES, ORCA_NUMBERING_MASTERS } from './orca.constants';

export const previewOrcaChargeSchema = z.object({ patientId: z.string().uuid() }).strict();
export type PreviewOrcaChargeInput = z.infer<typeof previewOrcaChargeSchema>;

/** レセコン連携の設定 (admin): who numbers patients, 診療内容区分 sent with each 受付, EHR doctor → ORCA ドクターコード. */
export const orcaSettingsSchema = z
  .object({
    numberingMaster: z.enum(ORCA_NUMBERING_MASTERS, { message: '患者番号の付け方を選んでください。' }),
    medicalInformation: z.enum(ORCA_MEDICAL_INFORMATION_CODES, { message: '診療内容区分を選んでください。' }),
    defaultPhysicianCode: z.string().regex(/^\d{5}$/, 'ドクターコードは5桁の数字です（ORCAのシステム管理「1010 職員情報」）。'),
    physicianCodes: z.record(z.string().uuid(), z.union([z.literal(''), z.string().regex(/^\d{5}$/, 'ドクターコードは5桁の数字です。')])),
    /** the clinic keeps its 予約 in ORCA: book, move and cancel are sent there */
    useOrcaAppointments: z.boolean().default(false),
  })
  .strict();
export type OrcaSettingsInput = z.input<typeof orcaSettingsSchema>;

export const resendOrcaJobSchema = z.object({ jobId: z.string().uuid() }).strict();

/** 取込 of a patient registered at the ORCA counter: linked to an existing EHR patient, or registered from ORCA's data. */
export const importOrcaPatientSchema = z
  .object({
    orcaPatientId: z.string().trim().regex(/^\d{1,20}$/, 'ORCAの患者番号は数字です。'),
    patientId: z.string().uuid().optional(),
  })
  .strict();
export type ImportOrcaPatientInput = z.infer<typeof importOrcaPatientSchema>;

/** 反映: a change made in ORCA to a linked patient, applied to the EHR patient whose version the reception saw. */
export const applyOrcaPatientChangeSchema = z
  .object({
    patientId: z.string().uuid(),
    expectedVersion: z.number().int().positive(),
  })
  .strict();
export type ApplyOrcaPatientChangeInput = z.infer<typeof applyOrcaPatientChangeSchema>;
