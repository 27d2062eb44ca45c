/**
 * The anchor of each clinic's audit chain outside the database (docs/decisions/0014): after every sealing pass the
 * newest seal of each clinic (its number, the chain position it reached and both hashes) is appended as one JSON line to
 * AUDIT_ANCHOR_FILE. Somebody who can rewrite the database but not this file cannot delete the newest audit rows (and
 * their seals) without `audit:verify` noticing. Keep the file where the database's administrators cannot write (another
 * host, a log shipper, WORM storage); on the embedded demo it sits beside the data under ./data.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { env } from '@/lib/core/env';

export type AuditAnchor = {
  clinicId: string;
  sealSeq: string;
  toSeq: string;
  headHash: string;
  sealHash: string;
  sealedAt: string;
};

export function anchorFile(): string {
  return env().AUDIT_ANCHOR_FILE;
}

export function appendAnchors(anchors: AuditAnchor[], file = anchorFile()): void {
  if (anchors.length === 0) return;
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // one write per pass; O_APPEND keeps concurrent writers' lines whole
  appendFileSync(file, anchors.map((a) => `${JSON.stringify(a)}\n`).join(''), { mode: 0o600 });
}

const isAnchor = (v: unknown): v is AuditAnchor => {
  const a = v as Record<string, unknown> | null;
  return (
    !!a &&
    typeof a.clinicId === 'string' &&
    typeof a.sealSeq === 'string' && /^\d+$/.test(a.sealSeq) &&
    typeof a.toSeq === 'string' && /^\d+$/.test(a.toSeq) &&
    typeof a.headHash === 'string' &&
    typeof a.sealHash === 'string'
  );
};

/** The newest anchor of each clinic in the file (a missing file = no anchors). Unreadable lines are counted. */
export function readLatestAnchors(file = anchorFile()): { anchors: Map<string, AuditAnchor>; badLines: number } {
  const anchors = new Map<string, AuditAnchor>();
  let badLines = 0;
  if (!existsSync(file)) return { anchors, badLines };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      badLines++;
      continue;
    }
    if (!isAnchor(parsed)) {
      badLines++;
      continue;
    }
    const seen = anchors.get(parsed.clinicId);
    if (!seen || BigInt(parsed.sealSeq) > BigInt(seen.sealSeq)) anchors.set(parsed.clinicId, parsed);
  }
  return { anchors, badLines };
}
