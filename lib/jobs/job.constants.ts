/** Job states (TEXT + CHECK, docs/decisions/0011) and their Japanese labels for the admin view. Isomorphic. */
export const JOB_STATES = ['queued', 'running', 'done', 'dead'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const JOB_STATE_LABELS: Record<JobState, string> = {
  queued: '待機中',
  running: '実行中',
  done: '完了',
  dead: '停止（要対応）',
};

/** The clinicId of jobs that belong to no clinic (e.g. a national master import). */
export const SYSTEM_CLINIC_ID = '_system';
