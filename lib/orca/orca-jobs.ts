/**
 * The ORCA link's background work on the job queue (lib/jobs, docs/decisions/0027):
 * - `orca.acceptance` (one job per visit, key = visit id): send or cancel the visit's 受付 (syncOrcaAcceptance);
 * - `orca.medical` (one job per visit): send the visit's orders as 中途データ, or replace them (syncOrcaMedical);
 * - `orca.diseases` (one job per patient): send the patient's 病名 of the month and keep ORCA's reconciliation list;
 * - `orca.billing` (one job per clinic and day, key = date): read the day's 会計 back every ORCA_BILLING_POLL_MS while
 *   a sent 受付 of that day is not 会計済 yet; it ends with the day;
 * - `orca.appointment` (one job per EHR appointment): book or cancel it in ORCA (syncOrcaAppointment, clinics that keep
 *   their 予約 in ORCA);
 * - `orca.counter` (one job per clinic and day): read the day's 受付 made at the ORCA counter every ORCA_COUNTER_POLL_MS
 *   (pollOrcaCounter, orca-counter.service.ts); started when the reception board opens, it ends with the day.
 * ORCA down and 90 are retries with the queue's backoff; a refusal dead-letters the job for a person.
 */
import { todayJst } from '@/lib/core/dates';
import { PermanentJobError, RetryJobError } from '@/lib/jobs/job-errors';
import type { JobQueues } from '@/lib/jobs/job-worker';
import type { OrcaLink } from './orca-port';
import { refreshOrcaBilling, syncOrcaAcceptance, syncOrcaDiseases, syncOrcaMedical, type OrcaSyncOutcome } from './orca-sync.service';
import { billingOpenMessage, ORCA_ACCEPTANCE_QUEUE, ORCA_APPOINTMENT_QUEUE, ORCA_BILLING_POLL_MS, ORCA_BILLING_QUEUE, ORCA_COUNTER_POLL_MS, ORCA_COUNTER_QUEUE, ORCA_DISEASE_QUEUE, ORCA_MEDICAL_QUEUE } from './orca-queues';
import { pollOrcaCounter } from './orca-counter.service';
import { syncOrcaAppointment } from './orca-appointments.service';

function throwUnlessDone(outcome: OrcaSyncOutcome): void {
  if (outcome.kind === 'retry') throw new RetryJobError(outcome.message);
  if (outcome.kind === 'failed') throw new PermanentJobError(outcome.message);
}

/** The handlers; `link` replaces the configured ORCA (tests). */
export function makeOrcaJobQueues(link?: OrcaLink): JobQueues {
  return {
    [ORCA_ACCEPTANCE_QUEUE]: async (job) => {
      const { visitId } = job.payload as { visitId: string };
      throwUnlessDone(await syncOrcaAcceptance(job.clinicId, visitId, { link }));
    },
    [ORCA_MEDICAL_QUEUE]: async (job) => {
      const { visitId } = job.payload as { visitId: string };
      throwUnlessDone(await syncOrcaMedical(job.clinicId, visitId, { link }));
    },
    [ORCA_DISEASE_QUEUE]: async (job) => {
      const { patientId, date } = job.payload as { patientId: string; date: string };
      throwUnlessDone(await syncOrcaDiseases(job.clinicId, patientId, date, { link }));
    },
    [ORCA_BILLING_QUEUE]: async (job) => {
      const { date } = job.payload as { date: string };
      const outcome = await refreshOrcaBilling(job.clinicId, date, { link });
      throwUnlessDone(outcome);
      if (outcome.kind === 'done' && outcome.open && date >= todayJst()) {
        // not an error: ORCA has not done every 会計 of the day yet; look again later
        throw new RetryJobError(billingOpenMessage(outcome.open), ORCA_BILLING_POLL_MS);
      }
    },
    [ORCA_APPOINTMENT_QUEUE]: async (job) => {
      const { appointmentId } = job.payload as { appointmentId: string };
      throwUnlessDone(await syncOrcaAppointment(job.clinicId, appointmentId, { link }));
    },
    [ORCA_COUNTER_QUEUE]: async (job) => {
      const { date } = job.payload as { date: string };
      const outcome = await pollOrcaCounter(job.clinicId, date, { link });
      if (outcome.kind === 'failed') throw new PermanentJobError(outcome.message);
      // polling by design while the day lasts (an outage is just the next look a little later)
      if (outcome.kind !== 'skipped' && date >= todayJst()) {
        throw new RetryJobError(outcome.kind === 'retry' ? outcome.message : `ORCA窓口受付 ${outcome.open ?? 0}件`, ORCA_COUNTER_POLL_MS);
      }
    },
  };
}

export const orcaJobQueues: JobQueues = makeOrcaJobQueues();
