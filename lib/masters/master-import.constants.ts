/** States of a master import run and their labels (isomorphic: the admin page imports them). */
export const MASTER_IMPORT_STATUSES = ['receiving', 'queued', 'running', 'done', 'partial', 'failed'] as const;
export type MasterImportStatus = (typeof MASTER_IMPORT_STATUSES)[number];

export const MASTER_IMPORT_STATUS_LABELS: Record<MasterImportStatus, string> = {
  receiving: '受信中',
  queued: '待機中',
  running: '取込中',
  done: '完了',
  partial: '一部エラー',
  failed: '失敗',
};

/** Still moving: the admin page keeps polling while any run is in one of these. */
export const ACTIVE_MASTER_IMPORT_STATUSES: readonly MasterImportStatus[] = ['receiving', 'queued', 'running'];

/** Headers of the upload route besides x-file-name: what the sender says it sends, checked on arrival. */
export const MASTER_UPLOAD_HEADERS = { kind: 'x-master-kind', bytes: 'x-file-size', lines: 'x-file-lines' } as const;

/** Largest master file accepted (the biggest official file, 医薬品 y_ALL with 40+ columns, is well under this). */
export const MASTER_UPLOAD_MAX_BYTES = 300 * 1024 * 1024;
