/**
 * The audit sealer (docs/decisions/0014): extends each clinic's hash chain over the rows appended since its last pass,
 * in one short transaction per clinic, and records the head it reached as a seal (AuditSeal, itself hash-chained) and
 * as an anchor outside the database (audit-anchor.ts).
 *
 *   sealAuditEvents()       one pass over every clinic with unsealed rows (or one clinic); returns what it sealed
 *   startAuditSealer()      a pass every AUDIT_SEAL_INTERVAL_MS until stop() (for a worker or the app process)
 *
 * Every query filters by clinicId (a router query on Citus) except the discovery of clinics with unsealed rows, which
 * reads the short `seq IS NULL` range of the (seq, clinicId) index. Two sealers never fork a chain: a per-clinic
 * advisory lock (transaction-scoped, taken only by sealers; a busy clinic is skipped for this pass), the guarded
 * UPDATE (`seq IS NULL`) and the unique (clinicId, seq) key.
 */
import { Prisma } from '@/lib/generated/prisma/client';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { env, requireSecret } from '@/lib/core/env';
import { errorFields, log } from '@/lib/core/logger';
import { appendAnchors, type AuditAnchor } from './audit-anchor';
import { GENESIS_HASH, chainFieldsOf, computeRowHash, computeSealHash, type SealFields } from './audit-chain';

export const SEAL_BATCH_SIZE = 1000;

export type SealResult = { sealed: number; clinics: number; seals: AuditAnchor[] };

/** Clinics whose chain has unsealed rows: the NULL end of the (seq, clinicId) index. */
async function clinicsWithUnsealedRows(): Promise<string[]> {
  const rows = await db().$queryRaw<{ clinicId: string }[]>`SELECT DISTINCT "clinicId" FROM "AuditEvent" WHERE seq IS NULL`;
  return rows.map((r) => r.clinicId);
}

/**
 * Every clinic that has audit rows but no seal yet (chains written before the sealer existed): one index probe per
 * clinic into each table. Driven by "Clinic" and joined on the clinic id, so Citus runs it on the colocated shards (a
 * recursive loose index scan of "AuditEvent" is not supported on a distributed table). Rows of a clinic id that has no
 * Clinic row are still sealed by the ordinary pass (clinicsWithUnsealedRows).
 */
async function clinicsWithoutSeal(): Promise<string[]> {
  const rows = await db().$queryRaw<{ clinicId: string }[]>`
    SELECT c.id AS "clinicId" FROM "Clinic" c
    WHERE EXISTS (SELECT 1 FROM "AuditEvent" e WHERE e."clinicId" = c.id)
      AND NOT EXISTS (SELECT 1 FROM "AuditSeal" s WHERE s."clinicId" = c.id)`;
  return rows.map((r) => r.clinicId);
}

async function sealClinic(clinicId: string, key: string, batchSize: number): Promise<{ sealed: number; seal: AuditAnchor | null }> {
  return runInTransaction(async (tx: Tx) => {
    const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtextextended(${`audit-seal:${clinicId}`}, 0)) AS locked`;
    if (!lock?.locked) return { sealed: 0, seal: null };
    const head = await tx.auditEvent.findFirst({
      where: { clinicId, seq: { not: null } },
      orderBy: { seq: 'desc' },
      select: { seq: true, rowHash: true },
    });
    const lastSeal = await tx.auditSeal.findFirst({ where: { clinicId }, orderBy: { sealSeq: 'desc' } });
    const pending = await tx.auditEvent.findMany({ where: { clinicId, seq: null }, orderBy: { id: 'asc' }, take: batchSize });
    let seq = head?.seq ?? 0n;
    let prevHash = head?.rowHash ?? GENESIS_HASH;
    if (pending.length === 0 && seq <= (lastSeal?.toSeq ?? 0n)) return { sealed: 0, seal: null };

    const ids: string[] = [];
    const seqs: string[] = [];
    const prevs: string[] = [];
    const hashes: string[] = [];
    for (const row of pending) {
      seq += 1n;
      const rowHash = computeRowHash(prevHash, chainFieldsOf(row, seq), key);
      ids.push(String(row.id));
      seqs.push(String(seq));
      prevs.push(prevHash);
      hashes.push(rowHash);
      prevHash = rowHash;
    }
    if (pending.length) {
      const updated = await tx.$executeRaw`
        UPDATE "AuditEvent" AS a SET seq = v.seq, "prevHash" = v.prev, "rowHash" = v.hash
        FROM unnest(${ids}::text[], ${seqs}::text[], ${prevs}::text[], ${hashes}::text[]) AS v0(id, seq, prev, hash),
             LATERAL (SELECT v0.id::bigint AS id, v0.seq::bigint AS seq, v0.prev, v0.hash) AS v
        WHERE a."clinicId" = ${clinicId} AND a.id = v.id AND a.seq IS NULL`;
      if (updated !== pending.length) throw new Error(`audit sealer: ${pending.length - updated} rows changed under the sealer`);
    }
    const fields: SealFields = {
      clinicId,
      sealSeq: (lastSeal?.sealSeq ?? 0n) + 1n,
      fromSeq: (lastSeal?.toSeq ?? 0n) + 1n,
      toSeq: seq,
      headHash: prevHash,
      sealedAt: new Date(),
    };
    const sealHash = computeSealHash(lastSeal?.sealHash ?? GENESIS_HASH, fields, key);
    await tx.auditSeal.create({ data: { ...fields, prevSealHash: lastSeal?.sealHash ?? GENESIS_HASH, sealHash } });
    return {
      sealed: pending.length,
      seal: {
        clinicId,
        sealSeq: String(fields.sealSeq),
        toSeq: String(fields.toSeq),
        headHash: fields.headHash,
        sealHash,
        sealedAt: fields.sealedAt.toISOString(),
      },
    };
  });
}

/**
 * One sealing pass: for each clinic with unsealed rows (or only `clinicId`), up to `batchSize` rows in append order get
 * the next chain positions, and a seal records the new head. `adoptUnsealed` also seals clinics whose chain has no seal
 * yet (run once when a runner starts). The new heads are then appended to the anchor file.
 */
export async function sealAuditEvents(options: { clinicId?: string; batchSize?: number; adoptUnsealed?: boolean } = {}): Promise<SealResult> {
  const key = requireSecret('AUDIT_HMAC_KEY');
  const batchSize = options.batchSize ?? SEAL_BATCH_SIZE;
  const clinics = options.clinicId
    ? [options.clinicId]
    : [...new Set([...(await clinicsWithUnsealedRows()), ...(options.adoptUnsealed ? await clinicsWithoutSeal() : [])])].sort();
  const result: SealResult = { sealed: 0, clinics: 0, seals: [] };
  for (const clinicId of clinics) {
    try {
      const { sealed, seal } = await sealClinic(clinicId, key, batchSize);
      result.sealed += sealed;
      if (seal) {
        result.clinics++;
        result.seals.push(seal);
      }
    } catch (error) {
      // another sealer won a race (unique key) or the database hiccupped: the rows stay unsealed for the next pass
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')) {
        log('warn', 'audit sealer: clinic pass failed', { clinicId, ...errorFields(error) });
      }
    }
  }
  if (result.seals.length) {
    try {
      appendAnchors(result.seals);
    } catch (error) {
      log('error', 'audit sealer: cannot write the anchor file', { file: env().AUDIT_ANCHOR_FILE, ...errorFields(error) });
    }
  }
  return result;
}

export type AuditSealer = { stop: () => Promise<void>; passes: () => number };

/**
 * Runs sealAuditEvents() every `intervalMs` (AUDIT_SEAL_INTERVAL_MS, default 2 s), never two passes at once, until
 * stop() (which waits for a running pass). The first pass also adopts chains that have no seal yet.
 */
export function startAuditSealer(options: { intervalMs?: number } = {}): AuditSealer {
  const intervalMs = options.intervalMs ?? env().AUDIT_SEAL_INTERVAL_MS;
  let stopped = false;
  let passes = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const pass = async (first: boolean) => {
    try {
      await sealAuditEvents({ adoptUnsealed: first });
    } catch (error) {
      log('warn', 'audit sealer: pass failed', errorFields(error));
    }
    passes++;
    if (!stopped) timer = setTimeout(() => (running = pass(false)), intervalMs);
  };
  running = pass(true);
  return {
    passes: () => passes,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
