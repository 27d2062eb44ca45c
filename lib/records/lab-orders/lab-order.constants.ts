/** 検査オーダー (issue 13, docs/decisions/0070): the values of LabOrder.status (TEXT + CHECK) and their words. No imports (client-safe). */
export const LAB_ORDER_STATUSES = ['ordered', 'resulted', 'entered_in_error'] as const;
export type LabOrderStatus = (typeof LAB_ORDER_STATUSES)[number];

export const LAB_ORDER_STATUS_LABELS: Record<LabOrderStatus, string> = {
  ordered: '依頼済',
  resulted: '結果あり',
  entered_in_error: '取消',
};

/** Items one order may hold (the 43+5 JP-CLINS items are 48). */
export const LAB_ORDER_MAX_ITEMS = 48;
