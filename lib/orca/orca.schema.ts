import { z } from '@/lib/core/zod';

export const previewOrcaChargeSchema = z.object({ patientId: z.string().uuid() }).strict();
export type PreviewOrcaChargeInput = z.infer<typeof previewOrcaChargeSchema>;
