import { cache } from 'react';
import type { Actor } from '@/lib/auth/actor';
import { getLabOrderPanel } from '@/lib/records/lab-orders/lab-order.service';

/** The 検査オーダー panel's data, read (and audited) once per request: the order panel and the lab entry both use it. */
export const labOrderPanelFor = cache((patientId: string, actor: Actor) => getLabOrderPanel(patientId, actor));
