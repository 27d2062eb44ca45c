/** FHIR Subscriptions (rest-hook) of vendor apps (docs/decisions/0055). */
export const SUBSCRIPTION_STATUSES = ['active', 'off'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export const SUBSCRIPTION_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type SubscriptionDeliveryStatus = (typeof SUBSCRIPTION_DELIVERY_STATUSES)[number];
export const SUBSCRIPTION_DELIVERY_LABELS: Record<SubscriptionDeliveryStatus, string> = { pending: '配信待ち', delivered: '配信済', failed: '配信失敗' };

export const NOTIFY_QUEUE = 'vendor.notify';
/** attempts before a delivery is 配信失敗 (the job queue's backoff spaces them: about 4 hours in all) */
export const NOTIFY_MAX_ATTEMPTS = 12;
export const NOTIFY_TIMEOUT_MS = 10_000;
/** the extension that carries the app's HMAC key when it creates a Subscription (write-only) */
export const SUBSCRIPTION_SECRET_EXTENSION = 'urn:karte:fhir:subscription-secret';
export const SIGNATURE_HEADER = 'X-Karte-Signature';
/**
 * what a subscription can watch: the record kinds of lib/records/write-path.ts (a prescription as its drug lines), the
 * patient registration, the visit's status changes (受付・診察中・会計待ち・完了・取消: Encounter) and a 確定 or withdrawn
 * 診療情報提供書 (DocumentReference)
 */
export const SUBSCRIBABLE_TYPES = ['Patient', 'Condition', 'AllergyIntolerance', 'Observation', 'MedicationRequest', 'Encounter', 'DocumentReference'] as const;
export type SubscribableType = (typeof SUBSCRIBABLE_TYPES)[number];
