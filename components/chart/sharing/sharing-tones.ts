import type { UnitState } from '@/lib/sharing/sharing.constants';

/** Badge colour of each sharing state (one look in the chart, the preview and the admin list). */
export const STATE_TONE: Record<UnitState, 'slate' | 'blue' | 'green' | 'amber' | 'red'> = {
  pending: 'slate', sending: 'blue', sent: 'green', retry_wait: 'amber', error: 'red',
};
