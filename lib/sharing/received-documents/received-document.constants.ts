/** The job queue that fetches a clinic's received documents (one job per clinic, key `inbox`). Isomorphic. */
export const INBOX_QUEUE = 'documents.inbox';
