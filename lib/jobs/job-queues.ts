/**
 * Every queue the worker runs and its handler: the one place a domain registers its background work (a worker or the
 * demo process runs exactly these). A handler takes the claimed job and throws PermanentJobError / RetryJobError
 * (lib/jobs/job-errors.ts) to say what should happen on failure.
 */
import type { Bundle } from '@medplum/fhirtypes';
import type { FhirIssue } from '@/lib/fhir';
import type { JobQueues } from './job-worker';

/** `validateAsync`: how the sharing deliveries validate a new unit's bundle (validation threads); default on this thread. */
export async function loadJobQueues(options: { validateAsync?: (bundle: Bundle) => Promise<FhirIssue[]> } = {}): Promise<JobQueues> {
  const { orcaJobQueues } = await import('@/lib/orca/orca-jobs');
  const { DELIVER_QUEUE } = await import('@/lib/sharing/sharing.constants');
  const { deliverUnits } = await import('@/lib/sharing/deliver-batch.service');
  const { masterJobQueues } = await import('@/lib/masters/master-jobs');
  const { EXPORT_QUEUE } = await import('@/lib/vendor-api/bulk-export.constants');
  const { runExportJob } = await import('@/lib/vendor-api/bulk-export.service');
  const { NOTIFY_QUEUE } = await import('@/lib/vendor-api/subscription.constants');
  const { deliverNotification } = await import('@/lib/vendor-api/subscription.service');
  const { INBOX_QUEUE } = await import('@/lib/sharing/received-documents/received-document.constants');
  const { runInboxJob } = await import('@/lib/sharing/received-documents/received-document.service');
  return {
    ...orcaJobQueues,
    // national master imports received from the operator's page (docs/decisions/0032)
    ...masterJobQueues,
    // 報告単位 to the 電子カルテ情報共有サービス (docs/decisions/0029), a claimed batch at a time (docs/decisions/0079)
    [DELIVER_QUEUE]: { batch: (jobs) => deliverUnits(jobs, { validateAsync: options.validateAsync }) },
    // a vendor app's FHIR Bulk Data export (docs/decisions/0054)
    [EXPORT_QUEUE]: runExportJob,
    // a vendor app's Subscription notification (docs/decisions/0055)
    [NOTIFY_QUEUE]: async (job) => deliverNotification(job),
    // letters addressed to the clinic's 医療機関コード (受信した紹介状, docs/decisions/0058)
    [INBOX_QUEUE]: async (job) => runInboxJob(job),
  };
}
