-- The job queue (lib/jobs, docs/decisions/0027).
-- CreateTable
CREATE TABLE "Job" (
    "clinicId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "state" TEXT NOT NULL DEFAULT 'queued',
    "rerun" BOOLEAN NOT NULL DEFAULT false,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 25,
    "runAt" TIMESTAMPTZ(3) NOT NULL,
    "lockToken" TEXT,
    "lockedUntil" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("clinicId","id"),
    -- lib/jobs/job.constants.ts JOB_STATES (docs/decisions/0011)
    CONSTRAINT "Job_state_check" CHECK ("state" IN ('queued', 'running', 'done', 'dead'))
);
-- a clinic's jobs live on its shard, so claiming them is a router query (docs/decisions/0027)
SELECT karte_distribute_table('"Job"');

-- CreateIndex
CREATE INDEX "Job_clinicId_state_runAt_idx" ON "Job"("clinicId", "state", "runAt");

-- CreateIndex
CREATE INDEX "Job_state_runAt_clinicId_idx" ON "Job"("state", "runAt", "clinicId");

-- CreateIndex
CREATE UNIQUE INDEX "Job_clinicId_queue_key_key" ON "Job"("clinicId", "queue", "key");