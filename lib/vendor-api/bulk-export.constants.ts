/** FHIR Bulk Data export (docs/decisions/0054): the states of a request and its limits. */
export const BULK_EXPORT_STATUSES = ['queued', 'running', 'done', 'error', 'cancelled'] as const;
export type BulkExportStatus = (typeof BULK_EXPORT_STATUSES)[number];
export const BULK_EXPORT_LEVELS = ['system', 'patient'] as const;
export type BulkExportLevel = (typeof BULK_EXPORT_LEVELS)[number];

export const EXPORT_QUEUE = 'vendor.export';
/** how long the files of a finished export may be fetched */
export const EXPORT_RETENTION_MS = 60 * 60_000;
/** resources per NDJSON file (a larger type is split into several files) */
export const EXPORT_FILE_RESOURCES = 5000;
/** resources read from the database per page while exporting */
export const EXPORT_PAGE = 500;
/** the output formats a kick-off may name (all mean NDJSON) */
export const NDJSON_FORMATS = ['application/fhir+ndjson', 'application/ndjson', 'ndjson'] as const;
