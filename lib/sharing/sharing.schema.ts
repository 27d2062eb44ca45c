import { z } from '@/lib/core/zod';

export const resendSharingUnitSchema = z.object({ unitId: z.string().uuid() }).strict();
export type ResendSharingUnitInput = z.infer<typeof resendSharingUnitSchema>;
