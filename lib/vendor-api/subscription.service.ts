/**
 * FHIR Subscriptions with a rest-hook channel for vendor apps (docs/decisions/0055). An app creates one for a type it
 * may read (criteria such as `Observation?patient=Patient/…&code=…`), with its own HMAC key in a write-only extension.
 * A record write (lib/records/write-path.ts) adds a delivery row and a job per active subscription of its type in the
 * write's transaction; the job (queue vendor.notify) checks the criteria against the record as the API serves it,
 * POSTs it signed to the endpoint, and retries with the queue's backoff. The clinic's admin sees the delivery log and
 * can send a delivery again.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Resource, Subscription } from '@medplum/fhirtypes';
import { recordAuditEvent } from '@/lib/audit/audit';
import { openSecret, sealSecret } from '@/lib/auth/secret-box';
import { requirePermission, type ApiClientPrincipal, type Principal } from '@/lib/auth/principal';
import { AppError } from '@/lib/core/app-error';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { env } from '@/lib/core/env';
import { enqueueJob, type JobRow } from '@/lib/jobs/job.repository';
import { PermanentJobError, RetryJobError } from '@/lib/jobs/job-errors';
import { fhirErrors } from './fhir-http';
import { scopesAllow, type ApiResourceType } from './scopes';
import {
  NOTIFY_MAX_ATTEMPTS,
  NOTIFY_QUEUE,
  NOTIFY_TIMEOUT_MS,
  SIGNATURE_HEADER,
  SUBSCRIBABLE_TYPES,
  SUBSCRIPTION_DELIVERY_LABELS,
  SUBSCRIPTION_SECRET_EXTENSION,
  type SubscribableType,
  type SubscriptionDeliveryStatus,
} from './subscription.constants';
import { subscriptionRepository as repo } from './subscription.repository';
import type { ReplayDeliveryInput } from './subscription.schema';
import { checkCriteria, findMatching } from './vendor-fhir.service';

type SubscriptionRow = NonNullable<Awaited<ReturnType<typeof repo.find>>>;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (the receiver recomputes it; see docs/api.md §6). */
export function signNotification(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

function parseCriteria(criteria: string): { type: SubscribableType; params: [string, string][] } {
  const [type, query = ''] = criteria.split('?', 2) as [string, string?];
  if (!(SUBSCRIBABLE_TYPES as readonly string[]).includes(type)) {
    throw fhirErrors.invalid(
      `購読できるのは ${SUBSCRIBABLE_TYPES.join('・')} です。`,
      `criteria must start with one of ${SUBSCRIBABLE_TYPES.join(', ')} (got '${type.slice(0, 40)}')`,
      ['Subscription.criteria'],
    );
  }
  return { type: type as SubscribableType, params: [...new URLSearchParams(query)] };
}

function endpointOf(raw: unknown): string {
  let url: URL;
  try {
    url = new URL(String(raw ?? ''));
  } catch {
    throw fhirErrors.invalid('通知先の URL が正しくありません。', 'channel.endpoint must be an absolute URL', ['Subscription.channel.endpoint']);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol === 'https:' && !loopback) return url.toString();
  if (url.protocol === 'http:' && loopback && env().WEBHOOK_ALLOW_LOOPBACK) return url.toString();
  throw fhirErrors.invalid('通知先は https の URL にしてください。', 'channel.endpoint must be an https URL outside this server', ['Subscription.channel.endpoint']);
}

/** The Subscription as the API shows it (the secret never leaves). */
export function toFhirSubscription(row: SubscriptionRow): Subscription {
  return {
    resourceType: 'Subscription',
    id: row.id,
    meta: { lastUpdated: row.updatedAt.toISOString() },
    status: row.status === 'active' ? 'active' : 'off',
    reason: 'Karte rest-hook subscription',
    criteria: row.criteria,
    channel: { type: 'rest-hook', endpoint: row.endpoint, ...(row.withPayload ? { payload: 'application/fhir+json' } : {}) },
  };
}

/** POST Subscription: validates criteria, endpoint and secret; the app must be allowed to read the type it watches. */
export async function createSubscription(principal: ApiClientPrincipal, body: unknown): Promise<Subscription> {
  const input = (body ?? {}) as Partial<Subscription>;
  if (input.resourceType !== 'Subscription') throw fhirErrors.invalid('Subscription を送ってください。', 'the body must be a Subscription resource', ['Subscription']);
  if (input.channel?.type !== 'rest-hook') throw fhirErrors.invalid('通知方法は rest-hook のみです。', "channel.type must be 'rest-hook'", ['Subscription.channel.type']);
  if (input.channel.payload && input.channel.payload !== 'application/fhir+json') {
    throw fhirErrors.invalid('payload は application/fhir+json のみです。', 'channel.payload must be application/fhir+json or absent', ['Subscription.channel.payload']);
  }
  const criteria = String(input.criteria ?? '');
  const { type, params } = parseCriteria(criteria);
  if (!scopesAllow(principal.scopes, type, 'r')) throw fhirErrors.forbidden(`system/${type}.r`);
  await checkCriteria(principal.clinicId, type, params);
  const endpoint = endpointOf(input.channel.endpoint);
  const secret = input.extension?.find((e) => e.url === SUBSCRIPTION_SECRET_EXTENSION)?.valueString ?? '';
  if (secret.length < 32 || secret.length > 256) {
    throw fhirErrors.invalid('署名鍵（32〜256文字）を指定してください。', `extension ${SUBSCRIPTION_SECRET_EXTENSION} (valueString, 32 to 256 characters) is required`, ['Subscription.extension']);
  }
  return runInTransaction(async (tx) => {
    const row = await repo.create(tx, {
      clinicId: principal.clinicId,
      clientId: principal.clientId,
      criteria,
      resourceType: type,
      endpoint,
      withPayload: input.channel!.payload === 'application/fhir+json',
      secretSealed: sealSecret(secret),
    });
    await recordAuditEvent(tx, {
      clinicId: principal.clinicId,
      actor: principal,
      action: 'create',
      resourceType: 'api_subscription',
      resourceId: row.id,
      detail: { via: 'fhir_api', criteria, endpointHost: new URL(endpoint).host },
      ctx: principal.ctx,
    });
    return toFhirSubscription(row);
  });
}

export async function readSubscription(principal: ApiClientPrincipal, id: string): Promise<Subscription> {
  const row = await repo.findOfClient(db(), principal.clinicId, principal.clientId, id);
  if (!row) throw fhirErrors.notFound('Subscription', id);
  return toFhirSubscription(row);
}

export async function listSubscriptions(principal: ApiClientPrincipal): Promise<Subscription[]> {
  return (await repo.listOfClient(db(), principal.clinicId, principal.clientId)).map(toFhirSubscription);
}

/** DELETE Subscription/{id}: turned off (kept with its delivery log for the clinic's admin). */
export async function deleteSubscription(principal: ApiClientPrincipal, id: string): Promise<void> {
  const row = await repo.findOfClient(db(), principal.clinicId, principal.clientId, id);
  if (!row || row.status === 'off') throw fhirErrors.notFound('Subscription', id);
  await runInTransaction(async (tx) => {
    await repo.setStatus(tx, principal.clinicId, id, 'off');
    await recordAuditEvent(tx, { clinicId: principal.clinicId, actor: principal, action: 'delete', resourceType: 'api_subscription', resourceId: id, detail: { via: 'fhir_api' }, ctx: principal.ctx });
  });
}

/** Record types of the write path (and the patient, the visit) and the FHIR type a subscription names them by. */
const FHIR_TYPE_OF = {
  patient: 'Patient',
  diagnosis: 'Condition',
  allergy: 'AllergyIntolerance',
  lab_result: 'Observation',
  prescription: 'MedicationRequest',
  visit: 'Encounter',
  document: 'DocumentReference',
} as const satisfies Record<string, SubscribableType>;
export type SubscribedRecordKind = keyof typeof FHIR_TYPE_OF;

/**
 * Called by the write path, the patient service and the visit's status changes (lib/reception/visit-flow.ts) inside
 * the write's transaction: one delivery row and one job per active subscription of the written record's type and
 * per resource (nothing when the clinic has none: one indexed query). A prescription is its drug lines: one
 * MedicationRequest each, as the read API serves them (docs/decisions/0061).
 */
export async function notifySubscriptions(tx: Tx, clinicId: string, kind: string, lineageIds: readonly string[]): Promise<void> {
  const type = FHIR_TYPE_OF[kind as SubscribedRecordKind];
  if (!type || !lineageIds.length) return;
  const subs = await repo.activeFor(tx, clinicId, [type]);
  if (!subs.length) return;
  const resourceIds = type === 'MedicationRequest' ? await repo.drugLineIds(tx, clinicId, [...new Set(lineageIds)]) : [...new Set(lineageIds)];
  const rows = subs.flatMap((s) => resourceIds.map((resourceId) => ({ clinicId, id: randomUUID(), subscriptionId: s.id, resourceType: type, resourceId })));
  if (!rows.length) return;
  await repo.addDeliveries(tx, rows);
  for (const r of rows) await enqueueJob(tx, { clinicId, queue: NOTIFY_QUEUE, key: r.id, payload: { deliveryId: r.id }, maxAttempts: NOTIFY_MAX_ATTEMPTS });
}

/** The job: criteria checked against the record now; a non-matching change leaves no delivery behind. */
export async function deliverNotification(job: Pick<JobRow, 'clinicId' | 'payload' | 'attempts' | 'maxAttempts'>, fetchImpl: typeof fetch = fetch): Promise<void> {
  const deliveryId = (job.payload as { deliveryId?: string }).deliveryId;
  if (!deliveryId) throw new PermanentJobError('vendor.notify: no deliveryId');
  const { clinicId } = job;
  const delivery = await repo.delivery(db(), clinicId, deliveryId);
  if (!delivery || delivery.status === 'delivered') return;
  const sub = delivery.subscription;
  if (sub.status !== 'active') {
    await repo.updateDelivery(db(), clinicId, deliveryId, { status: 'failed', lastError: '購読が停止されています' });
    return;
  }
  const { type, params } = parseCriteria(sub.criteria);
  const resource = await findMatching(clinicId, type as ApiResourceType, params, delivery.resourceId);
  if (!resource) {
    await repo.removeDelivery(db(), clinicId, deliveryId);
    return;
  }
  const body = sub.withPayload ? JSON.stringify(resource) : '';
  const now = new Date();
  const attempts = delivery.attempts + 1;
  let status: number | null = null;
  let error: string | null = null;
  try {
    const response = await fetchImpl(sub.endpoint, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'Content-Type': 'application/fhir+json',
        [SIGNATURE_HEADER]: signNotification(openSecret(sub.secretSealed), body, now),
        'X-Karte-Subscription': sub.id,
        'X-Karte-Delivery': deliveryId,
        // the version read (an unversioned type such as Encounter: its id only)
        'X-Karte-Resource': `${(resource as Resource).resourceType}/${resource.id}${resource.meta?.versionId ? `/_history/${resource.meta.versionId}` : ''}`,
      },
      body,
      signal: AbortSignal.timeout(NOTIFY_TIMEOUT_MS),
    });
    status = response.status;
    await response.body?.cancel();
    if (response.ok) {
      await repo.updateDelivery(db(), clinicId, deliveryId, { status: 'delivered', attempts, lastStatus: status, lastError: null, deliveredAt: new Date() });
      return;
    }
    error = `通知先が HTTP ${status} を返しました`;
  } catch (e) {
    error = (e as Error).name === 'TimeoutError' ? '通知先が時間内に応答しませんでした' : '通知先に接続できませんでした';
  }
  const last = job.attempts >= job.maxAttempts;
  await repo.updateDelivery(db(), clinicId, deliveryId, { status: last ? 'failed' : 'pending', attempts, lastStatus: status, lastError: error });
  if (last) throw new PermanentJobError(error);
  throw new RetryJobError(error);
}

export type SubscriptionDeliveryDto = {
  id: string;
  appClientId: string;
  criteria: string;
  endpoint: string;
  resource: string;
  status: SubscriptionDeliveryStatus;
  statusLabel: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
};

/** The clinic's delivery log (newest first) for the admin page. */
export async function listSubscriptionDeliveries(actor: Principal, take = 100): Promise<SubscriptionDeliveryDto[]> {
  await requirePermission(actor, 'clinic.settings');
  const rows = await repo.recentDeliveries(db(), actor.clinicId, take);
  return rows.map((r) => ({
    id: r.id,
    appClientId: r.subscription.clientId,
    criteria: r.subscription.criteria,
    endpoint: r.subscription.endpoint,
    resource: `${r.resourceType}/${r.resourceId}`,
    status: r.status as SubscriptionDeliveryStatus,
    statusLabel: SUBSCRIPTION_DELIVERY_LABELS[r.status as SubscriptionDeliveryStatus] ?? r.status,
    attempts: r.attempts,
    lastStatus: r.lastStatus,
    lastError: r.lastError,
    createdAt: r.createdAt.toISOString(),
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
  }));
}

/** 再送: the admin sends a delivery again (a new job; the log row is reused). Audited. */
export async function replaySubscriptionDelivery(input: ReplayDeliveryInput, actor: Principal): Promise<void> {
  await requirePermission(actor, 'clinic.settings');
  const delivery = await repo.delivery(db(), actor.clinicId, input.deliveryId);
  if (!delivery) throw new AppError('NOT_FOUND', '配信記録が見つかりません。');
  await runInTransaction(async (tx) => {
    await repo.updateDelivery(tx, actor.clinicId, delivery.id, { status: 'pending', lastError: null });
    await enqueueJob(tx, { clinicId: actor.clinicId, queue: NOTIFY_QUEUE, key: `${delivery.id}:replay:${randomUUID()}`, payload: { deliveryId: delivery.id }, maxAttempts: NOTIFY_MAX_ATTEMPTS });
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'update', resourceType: 'api_subscription_delivery', resourceId: delivery.id, detail: { replay: true }, ctx: actor.ctx });
  });
}
