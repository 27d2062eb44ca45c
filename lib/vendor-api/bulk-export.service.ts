/**
 * FHIR Bulk Data export (Bulk Data Access IG 2.0, docs/decisions/0054): an app asks with `GET [base]/$export` or
 * `GET [base]/Patient/$export` and `Prefer: respond-async`, gets 202 and a status URL, polls it (202 + X-Progress while
 * the job queue builds the files), then fetches one NDJSON file per type (split beyond EXPORT_FILE_RESOURCES) with its
 * access token. A file is deleted once fetched; everything is deleted when the export expires. Only the app that asked
 * sees the export; another app or clinic gets the same 404 as an id that never existed.
 */
import type { Resource } from '@medplum/fhirtypes';
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import type { ApiClientPrincipal } from '@/lib/auth/principal';
import { db, runInTransaction } from '@/lib/core/db';
import { enqueueJob, type JobRow } from '@/lib/jobs/job.repository';
import { PermanentJobError } from '@/lib/jobs/job-errors';
import {
  EXPORT_FILE_RESOURCES,
  EXPORT_PAGE,
  EXPORT_QUEUE,
  EXPORT_RETENTION_MS,
  NDJSON_FORMATS,
  type BulkExportLevel,
} from './bulk-export.constants';
import { bulkExportRepository as repo } from './bulk-export.repository';
import { FhirError, fhirErrors, type FhirRequest } from './fhir-http';
import { API_RESOURCE_TYPES, scopesAllow, type ApiResourceType } from './scopes';
import { exportResources } from './vendor-fhir.service';

export type ExportManifest = {
  transactionTime: string;
  request: string;
  requiresAccessToken: true;
  output: { type: string; url: string; count: number }[];
  error: { type: string; url: string }[];
};

export type ExportStatusAnswer =
  | { state: 'in-progress'; progress: string }
  | { state: 'done'; manifest: ExportManifest }
  | { state: 'error'; message: string };

/** The kick-off's parameters, checked: unknown ones are refused, as in search. */
function parseKickOff(principal: ApiClientPrincipal, query: URLSearchParams): { types: ApiResourceType[]; since: Date | null } {
  let types: ApiResourceType[] | null = null;
  let since: Date | null = null;
  for (const [name, value] of query) {
    if (name === '_type') {
      const names = value.split(',').map((t) => t.trim()).filter(Boolean);
      const unknown = names.find((t) => !(API_RESOURCE_TYPES as readonly string[]).includes(t));
      if (unknown || !names.length) throw fhirErrors.invalidParam('_type', `_type names a resource type this server does not export: '${unknown ?? value}'`);
      types = [...new Set([...(types ?? []), ...(names as ApiResourceType[])])];
    } else if (name === '_since') {
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
        throw fhirErrors.invalidParam('_since', '_since must be a FHIR instant with a time zone, e.g. 2026-12-01T00:00:00+09:00');
      }
      // an instant, to the millisecond (search date parameters work by whole units of their precision)
      since = new Date(value);
    } else if (name === '_outputFormat') {
      if (!(NDJSON_FORMATS as readonly string[]).includes(value)) throw fhirErrors.invalidParam('_outputFormat', `only ${NDJSON_FORMATS.join(', ')} are supported`);
    } else {
      throw fhirErrors.invalidParam(name, `unknown or unsupported $export parameter '${name}'`);
    }
  }
  if (types) {
    const denied = types.find((t) => !scopesAllow(principal.scopes, t, 'r'));
    if (denied) throw fhirErrors.forbidden(`system/${denied}.r`);
  } else {
    // no _type: every type the app may read
    types = API_RESOURCE_TYPES.filter((t) => scopesAllow(principal.scopes, t, 'r'));
    if (!types.length) throw fhirErrors.forbidden('system/*.r');
  }
  return { types, since };
}

/** Kick-off: records the request, queues the job and answers with its id (the caller answers 202 + Content-Location). */
export async function kickOffExport(principal: ApiClientPrincipal, level: BulkExportLevel, request: FhirRequest): Promise<{ id: string }> {
  const prefer = request.headers.get('prefer') ?? '';
  if (!/\brespond-async\b/i.test(prefer)) {
    throw new FhirError(400, 'invalid', 'エクスポートは非同期でのみ受け付けます（Prefer: respond-async）。', 'a $export kick-off needs the header Prefer: respond-async');
  }
  const accept = request.headers.get('accept');
  if (accept && !/application\/fhir\+json|\*\/\*|application\/json/.test(accept)) {
    throw new FhirError(400, 'invalid', 'Accept には application/fhir+json を指定してください。', 'the kick-off Accept header must be application/fhir+json');
  }
  const { types, since } = parseKickOff(principal, new URL(request.url).searchParams);
  const { clinicId, clientId } = principal;
  return runInTransaction(async (tx) => {
    // one export at a time per app: a second one while the first runs is 429, as the IG allows
    const running = await repo.inProgressOf(tx, clinicId, clientId);
    if (running) {
      throw new FhirError(429, 'throttled', '前のエクスポートがまだ処理中です。終わってから依頼してください。', `export ${running.id} of this app is still in progress`, undefined, { 'Retry-After': '10' });
    }
    const now = new Date();
    const row = await repo.create(tx, { clinicId, clientId, level, types, since, requestUrl: request.url, expiresAt: new Date(now.getTime() + EXPORT_RETENTION_MS) });
    await enqueueJob(tx, { clinicId, queue: EXPORT_QUEUE, key: row.id, payload: { exportId: row.id }, maxAttempts: 3 });
    await recordAuditEvent(tx, {
      clinicId,
      actor: principal,
      action: 'export',
      resourceType: 'bulk_export',
      resourceId: row.id,
      detail: { via: 'fhir_api', interaction: level === 'system' ? '$export' : 'Patient/$export', types, since: since?.toISOString() ?? null },
      ctx: principal.ctx,
    });
    return { id: row.id };
  });
}

/** The export of this app, or the 404 of an id that never existed (another app's or clinic's, expired, cancelled). */
async function ownExport(principal: ApiClientPrincipal, id: string, now = new Date()) {
  const row = await repo.findOfClient(db(), principal.clinicId, principal.clientId, id);
  if (!row || row.status === 'cancelled') throw fhirErrors.notFound('$export-status', id);
  if (row.expiresAt <= now) {
    await repo.remove(db(), principal.clinicId, id);
    throw fhirErrors.notFound('$export-status', id);
  }
  return row;
}

/** Status poll: in progress (202), the manifest (200), or the error (500 with an OperationOutcome). */
export async function exportStatus(principal: ApiClientPrincipal, id: string, baseUrl: string): Promise<ExportStatusAnswer> {
  const row = await ownExport(principal, id);
  if (row.status === 'queued') return { state: 'in-progress', progress: 'queued' };
  if (row.status === 'running') return { state: 'in-progress', progress: row.progress ?? 'in progress' };
  if (row.status === 'error') return { state: 'error', message: row.error ?? 'エクスポートに失敗しました' };
  const files = await repo.listFiles(db(), principal.clinicId, id);
  const order = (t: string) => row.types.indexOf(t);
  files.sort((a, b) => order(a.type) - order(b.type) || a.seq - b.seq);
  return {
    state: 'done',
    manifest: {
      transactionTime: (row.startedAt ?? row.createdAt).toISOString(),
      request: row.requestUrl,
      requiresAccessToken: true,
      output: files.map((f) => ({ type: f.type, url: `${baseUrl}/$export-file/${f.id}`, count: f.count })),
      error: [],
    },
  };
}

/** DELETE on the status URL: stops the export and removes its files. */
export async function cancelExport(principal: ApiClientPrincipal, id: string): Promise<void> {
  const row = await ownExport(principal, id);
  await runInTransaction(async (tx) => {
    await repo.removeFiles(tx, principal.clinicId, row.id);
    await repo.update(tx, principal.clinicId, row.id, { status: 'cancelled', progress: null });
    await recordAuditEvent(tx, {
      clinicId: principal.clinicId,
      actor: principal,
      action: 'delete',
      resourceType: 'bulk_export',
      resourceId: row.id,
      detail: { via: 'fhir_api', interaction: '$export-cancel' },
      ctx: principal.ctx,
    });
  });
}

/**
 * One NDJSON file, audited as a read naming the app and the patients in it; the file is deleted in the same
 * transaction (a client that lost the download asks for a new export).
 */
export async function takeExportFile(principal: ApiClientPrincipal, fileId: string): Promise<{ type: string; ndjson: string }> {
  return runInTransaction(async (tx) => {
    const file = await repo.fileOfClient(tx, principal.clinicId, principal.clientId, fileId);
    if (!file || file.export.status !== 'done' || file.export.expiresAt <= new Date()) throw fhirErrors.notFound('$export-file', fileId);
    await repo.removeFile(tx, principal.clinicId, file.id);
    await recordAuditEvent(tx, {
      clinicId: principal.clinicId,
      actor: principal,
      action: 'read',
      resourceType: 'bulk_export',
      resourceId: file.exportId,
      detail: { via: 'fhir_api', interaction: '$export-file', fhirType: file.type, count: file.count, fileId: file.id, patientIds: patientIdsOf(file.type, file.ndjson) },
      ctx: principal.ctx,
    });
    return { type: file.type, ndjson: file.ndjson };
  });
}

/** The patients whose data a file holds (for the audit trail: who was disclosed to the app). */
function patientIdsOf(type: string, ndjson: string): string[] {
  const ids = new Set<string>();
  for (const line of ndjson.split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as Resource & { subject?: { reference?: string }; patient?: { reference?: string } };
    const ref = type === 'Patient' ? `Patient/${r.id}` : (r.subject?.reference ?? r.patient?.reference);
    if (ref?.startsWith('Patient/')) ids.add(ref.slice('Patient/'.length));
  }
  return [...ids];
}

/** Deletes this clinic's expired exports (and their files, by the foreign key). */
export async function purgeExpiredExports(clinicId: string, now = new Date()): Promise<number> {
  return repo.removeExpired(db(), clinicId, now);
}

/** The job (queue vendor.export): writes the files type by type, with progress for the status poll. */
export async function runExportJob(job: Pick<JobRow, 'clinicId' | 'payload' | 'attempts' | 'maxAttempts'>): Promise<void> {
  const exportId = (job.payload as { exportId?: string }).exportId;
  if (!exportId) throw new PermanentJobError('vendor.export: no exportId');
  const { clinicId } = job;
  await purgeExpiredExports(clinicId);
  const row = await repo.find(db(), clinicId, exportId);
  if (!row || row.status === 'cancelled' || row.status === 'done') return;
  const startedAt = new Date();
  // a retried job starts over: files of an interrupted run are dropped
  await runInTransaction(async (tx) => {
    await repo.removeFiles(tx, clinicId, exportId);
    await repo.update(tx, clinicId, exportId, { status: 'running', startedAt, progress: 'started' });
  });
  try {
    let total = 0;
    for (const [i, type] of (row.types as ApiResourceType[]).entries()) {
      let seq = 0;
      let lines: string[] = [];
      const flush = async () => {
        if (!lines.length) return;
        await repo.addFile(db(), { clinicId, exportId, type, seq: seq++, count: lines.length, ndjson: `${lines.join('\n')}\n` });
        lines = [];
      };
      for await (const page of exportResources(clinicId, type, row.since, EXPORT_PAGE)) {
        for (const m of page) {
          lines.push(JSON.stringify(m.resource));
          if (lines.length >= EXPORT_FILE_RESOURCES) await flush();
        }
        total += page.length;
        // stop early when the app cancelled meanwhile
        const current = await repo.update(db(), clinicId, exportId, { progress: `${type} (type ${i + 1} of ${row.types.length}), ${total} resources` });
        if (current.status === 'cancelled') {
          await repo.removeFiles(db(), clinicId, exportId);
          return;
        }
      }
      await flush();
    }
    const done = await repo.updateIfRunning(db(), clinicId, exportId, { status: 'done', progress: null, completedAt: new Date(), expiresAt: new Date(Date.now() + EXPORT_RETENTION_MS) });
    if (!done) await repo.removeFiles(db(), clinicId, exportId);
  } catch (error) {
    // the queue tries again (the poll keeps answering 202) until the attempts are used up; then the poll answers the error
    const last = job.attempts >= job.maxAttempts;
    await repo.updateIfRunning(
      db(),
      clinicId,
      exportId,
      last ? { status: 'error', progress: null, error: 'エクスポート中に問題が発生しました。もう一度依頼してください。' } : { status: 'queued', progress: 'waiting to retry' },
    );
    throw error;
  }
}
