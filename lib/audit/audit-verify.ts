/**
 * `npm run audit:verify`: recomputes every clinic's chain from the start, never trusting a stored hash, and checks the
 * seals and the anchors outside the database (docs/decisions/0014). Reports the first break per clinic:
 *   gap                a chain position is missing (a row deleted from the middle)
 *   prev_hash_mismatch a row does not link to the one before it
 *   row_hash_mismatch  a row's content (or its hash) was changed, or the row was forged
 *   seal_mismatch      a seal was changed, forged or removed from the middle, or names a head the chain does not have
 *   tail_missing       rows a seal or an anchor vouches for are gone (rows deleted from the end of the chain)
 * Read-only. Reads the anchors first, then the newest seal, then the rows, so a sealer running meanwhile cannot make
 * a sound chain look broken.
 */
import { db } from '@/lib/core/db';
import { requireSecret } from '@/lib/core/env';
import { readLatestAnchors, type AuditAnchor } from './audit-anchor';
import { GENESIS_HASH, chainFieldsOf, computeRowHash, computeSealHash } from './audit-chain';

export type ChainBreakKind = 'gap' | 'prev_hash_mismatch' | 'row_hash_mismatch' | 'seal_mismatch' | 'tail_missing';
export type ChainBreak = { clinicId: string; seq: string; kind: ChainBreakKind };

export type VerifyResult = {
  checked: number;
  /** rows not sealed yet (appended since the last pass, or no sealer running) */
  unsealed: number;
  oldestUnsealedAt: Date | null;
  breaks: ChainBreak[];
};

const BATCH = 1000;

async function* seals(clinicId: string, upTo: bigint) {
  let cursor = 0n;
  for (;;) {
    const batch = await db().auditSeal.findMany({
      where: { clinicId, sealSeq: { gt: cursor, lte: upTo } },
      orderBy: { sealSeq: 'asc' },
      take: BATCH,
    });
    if (batch.length === 0) return;
    for (const s of batch) yield s;
    cursor = batch[batch.length - 1]!.sealSeq;
  }
}

async function verifyClinic(clinicId: string, key: string, anchor: AuditAnchor | undefined): Promise<{ checked: number; brk: ChainBreak | null }> {
  const brk = (seq: bigint | string, kind: ChainBreakKind): ChainBreak => ({ clinicId, seq: String(seq), kind });
  // the newest seal now: every row it covers was committed with it
  const newestSeal = await db().auditSeal.findFirst({ where: { clinicId }, orderBy: { sealSeq: 'desc' } });
  const sealLimit = newestSeal?.sealSeq ?? 0n;
  const sealIter = seals(clinicId, sealLimit)[Symbol.asyncIterator]();
  let nextSeal = (await sealIter.next()).value ?? null;
  let expectedSealSeq = 1n;
  let prevSealHash = GENESIS_HASH;
  let prevToSeq = 0n;
  /** checks the seal against its chain and the chain position it names (rowHash there) */
  const checkSeal = (s: NonNullable<typeof nextSeal>, rowHash: string): ChainBreak | null => {
    if (s.sealSeq !== expectedSealSeq || s.prevSealHash !== prevSealHash || s.fromSeq !== prevToSeq + 1n || s.toSeq < s.fromSeq) {
      return brk(s.toSeq, 'seal_mismatch');
    }
    const { prevSealHash: _p, sealHash, ...fields } = s;
    if (computeSealHash(prevSealHash, fields, key) !== sealHash || s.headHash !== rowHash) return brk(s.toSeq, 'seal_mismatch');
    expectedSealSeq++;
    prevSealHash = sealHash;
    prevToSeq = s.toSeq;
    return null;
  };

  let checked = 0;
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let cursor = 0n;
  for (;;) {
    const batch = await db().auditEvent.findMany({
      where: { clinicId, seq: { gt: cursor } },
      orderBy: { seq: 'asc' },
      take: BATCH,
    });
    if (batch.length === 0) break;
    for (const ev of batch) {
      checked++;
      const seq = ev.seq!;
      if (seq !== expectedSeq) return { checked, brk: brk(expectedSeq, 'gap') };
      if (ev.prevHash !== prevHash) return { checked, brk: brk(seq, 'prev_hash_mismatch') };
      if (computeRowHash(prevHash, chainFieldsOf(ev, seq), key) !== ev.rowHash) return { checked, brk: brk(seq, 'row_hash_mismatch') };
      // the seal that ends here
      while (nextSeal && nextSeal.toSeq === seq) {
        const bad = checkSeal(nextSeal, ev.rowHash);
        if (bad) return { checked, brk: bad };
        nextSeal = (await sealIter.next()).value ?? null;
      }
      if (nextSeal && nextSeal.toSeq < seq) return { checked, brk: brk(nextSeal.toSeq, 'seal_mismatch') };
      prevHash = ev.rowHash!;
      expectedSeq++;
      cursor = seq;
    }
  }
  const lastSeq = expectedSeq - 1n;
  // a seal (up to the newest one read first) that names a position beyond the end: the newest rows were deleted
  if (nextSeal) return { checked, brk: brk(lastSeq + 1n, nextSeal.toSeq > lastSeq ? 'tail_missing' : 'seal_mismatch') };
  if (expectedSealSeq - 1n !== sealLimit) return { checked, brk: brk(lastSeq + 1n, 'seal_mismatch') };
  // the anchor outside the database: its seal must still be here, unchanged, and so must the rows it covers
  if (anchor) {
    const anchoredSeq = BigInt(anchor.toSeq);
    if (anchoredSeq > lastSeq) return { checked, brk: brk(lastSeq + 1n, 'tail_missing') };
    const seal = await db().auditSeal.findUnique({ where: { clinicId_sealSeq: { clinicId, sealSeq: BigInt(anchor.sealSeq) } } });
    if (!seal) return { checked, brk: brk(anchoredSeq, 'tail_missing') };
    if (seal.sealHash !== anchor.sealHash || seal.toSeq !== anchoredSeq || seal.headHash !== anchor.headHash) {
      return { checked, brk: brk(anchoredSeq, 'seal_mismatch') };
    }
  }
  return { checked, brk: null };
}

/** Recomputes every hash from the start (never trusting stored ones). Returns the first break per clinic. */
export async function verifyAuditChain(options: { clinicId?: string; key?: string; anchorFile?: string } = {}): Promise<VerifyResult> {
  const key = options.key ?? requireSecret('AUDIT_HMAC_KEY');
  const { anchors } = readLatestAnchors(options.anchorFile);
  let clinics: string[];
  if (options.clinicId) {
    clinics = [options.clinicId];
  } else {
    const [withRows, withSeals] = await Promise.all([
      db().auditEvent.findMany({ distinct: ['clinicId'], select: { clinicId: true } }),
      db().auditSeal.findMany({ distinct: ['clinicId'], select: { clinicId: true } }),
    ]);
    clinics = [...new Set([...withRows.map((r) => r.clinicId), ...withSeals.map((r) => r.clinicId), ...anchors.keys()])].sort();
  }
  const result: VerifyResult = { checked: 0, unsealed: 0, oldestUnsealedAt: null, breaks: [] };
  for (const clinicId of clinics) {
    const { checked, brk } = await verifyClinic(clinicId, key, anchors.get(clinicId));
    result.checked += checked;
    if (brk) result.breaks.push(brk);
    const unsealed = await db().auditEvent.aggregate({ where: { clinicId, seq: null }, _count: { _all: true }, _min: { occurredAt: true } });
    result.unsealed += unsealed._count._all;
    const oldest = unsealed._min.occurredAt;
    if (oldest && (!result.oldestUnsealedAt || oldest < result.oldestUnsealedAt)) result.oldestUnsealedAt = oldest;
  }
  return result;
}
