/** セット (issue 13, docs/decisions/0059): values and labels client components may import. */
export const ORDER_SET_STATUSES = ['active', 'deleted'] as const;
export type OrderSetStatus = (typeof ORDER_SET_STATUSES)[number];

export const ORDER_SET_SCOPES = ['clinic', 'personal'] as const;
export type OrderSetScope = (typeof ORDER_SET_SCOPES)[number];
export const ORDER_SET_SCOPE_LABELS: Record<OrderSetScope, string> = { clinic: '院内共通', personal: '個人用' };

/** The palette lists a set as 「セット: 名前」 so that part of the name finds it. */
export const ORDER_SET_PALETTE_PREFIX = 'セット: ';
