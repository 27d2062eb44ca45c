/** Names of the ORCA link's job queues (lib/orca/orca-jobs.ts) and the 会計 polling interval. */
export const ORCA_ACCEPTANCE_QUEUE = 'orca.acceptance';
export const ORCA_BILLING_QUEUE = 'orca.billing';
export const ORCA_MEDICAL_QUEUE = 'orca.medical';
export const ORCA_DISEASE_QUEUE = 'orca.diseases';
/** one job per EHR appointment: book or cancel it in ORCA (clinics that keep their 予約 in ORCA) */
export const ORCA_APPOINTMENT_QUEUE = 'orca.appointment';
/** the day's 受付 made at the ORCA counter (acceptlstv2 class 01), one job per clinic and day */
export const ORCA_COUNTER_QUEUE = 'orca.counter';
/** how often ORCA's 受付一覧 is read for 受付 made at its counter */
export const ORCA_COUNTER_POLL_MS = 15_000;
/** how often the day's 会計 is read back from ORCA while some 受付 is not 会計済 */
export const ORCA_BILLING_POLL_MS = 15_000;
/** a day of polling at that interval, with room for outages */
export const ORCA_BILLING_MAX_ATTEMPTS = 10_000;
/** the billing poll's retry while ORCA has not done every 会計 of the day: polling by design, not a failure */
export const billingOpenMessage = (open: number) => `会計待ち ${open}件`;
export const isBillingOpenMessage = (message: string | null) => message !== null && /^会計待ち \d+件$/.test(message);
