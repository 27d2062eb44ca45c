import { z } from '@/lib/core/zod';

/** 再送 of one webhook delivery from the admin page. */
export const replayDeliverySchema = z.object({ deliveryId: z.uuid('配信記録が正しくありません。') });
export type ReplayDeliveryInput = z.infer<typeof replayDeliverySchema>;
