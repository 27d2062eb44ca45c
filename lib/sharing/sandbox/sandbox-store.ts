/**
 * The sandbox 電子カルテ情報共有サービス's state and rules (no I/O): registered units by identifier (a register replaces,
 * a delete removes), validation with error codes like the real service's, every receipt (so tests and benchmarks can
 * prove nothing was delivered twice), a control state to be down, slow, answer 503/429 with Retry-After, or reject,
 * and the 6情報 invented other institutions registered for the patients it was seeded with (other-institutions.ts).
 */
import { randomUUID } from 'node:crypto';
import { SHARED_INFO_KINDS, type SharedBundle, type SharedInfoKind, type SharingIssue, type UnitStatus } from '../sharing-service';

const SHARED_KINDS = new Set<unknown>(SHARED_INFO_KINDS);
import { otherInstitutionsBundles } from './other-institutions';

export type SandboxControl = {
  /** connections are dropped without an answer */
  down: boolean;
  /** every answer waits this long */
  latencyMs: number;
  /** answer this HTTP status (503 or 429) with Retry-After, for `count` requests (unset: until changed) */
  failWith: { status: 503 | 429; retryAfterSec: number; count?: number } | null;
  /** refuse every register with this issue (unset: validate normally) */
  reject: SharingIssue | null;
};

export const NORMAL_CONTROL: SandboxControl = { down: false, latencyMs: 0, failWith: null, reject: null };

export type StoredUnit = { identifier: string; memberId: string; bundle: unknown; contentHash: string; registeredAt: string };
export type Receipt = { receiptId: string; identifier: string; contentHash: string; at: string };

/** Checks a bundle beyond what validateBundle (lib/fhir, when given) checks: the envelope the service itself reads. */
export type BundleValidator = (bundle: unknown) => SharingIssue[];

const IDENTIFIER = /^\d{10}\^\d{4}\^[0-9A-Za-z-]{1,64}$/;
const MEMBER_ID = /^[0-9A-Za-z]{1,8}:[^:\s]*:[^:\s]+:\d{0,2}$/;

function envelopeIssues(identifier: string, memberId: string, bundle: unknown): SharingIssue[] {
  const issues: SharingIssue[] = [];
  if (!IDENTIFIER.test(identifier)) issues.push({ code: 'E-IDENTIFIER', message: '文書識別子が「医療機関コード^年^ID」の形式ではありません', expression: 'Bundle.identifier.value' });
  if (!MEMBER_ID.test(memberId)) issues.push({ code: 'E-MEMBER', message: '被保険者個人識別子の形式が不正です（保険者番号:記号:番号:枝番）' });
  const b = bundle as { resourceType?: unknown; type?: unknown; identifier?: { value?: unknown }; entry?: { resource?: { resourceType?: unknown } }[] } | null;
  if (!b || b.resourceType !== 'Bundle') {
    issues.push({ code: 'E-STRUCTURE', message: 'Bundleリソースではありません', expression: 'Bundle' });
    return issues;
  }
  if (b.type !== 'collection') issues.push({ code: 'E-STRUCTURE', message: 'Bundle.typeはcollectionでなければなりません', expression: 'Bundle.type' });
  if (b.identifier?.value !== identifier) issues.push({ code: 'E-IDENTIFIER', message: '要求の文書識別子とBundle.identifierが一致しません', expression: 'Bundle.identifier.value' });
  if (!Array.isArray(b.entry) || b.entry.length < 2) issues.push({ code: 'E-STRUCTURE', message: 'Patientと1件以上の情報が必要です', expression: 'Bundle.entry' });
  else if (b.entry[0]?.resource?.resourceType !== 'Patient') issues.push({ code: 'E-STRUCTURE', message: '最初のentryはPatientでなければなりません', expression: 'Bundle.entry[0]' });
  return issues;
}

export class SandboxStore {
  readonly units = new Map<string, StoredUnit>();
  readonly receipts: Receipt[] = [];
  control: SandboxControl = { ...NORMAL_CONTROL };
  /**
   * What other institutions registered, by 被保険者個人識別子: seeded when the sandbox starts (the demo's patients) or
   * through the control API. Not cleared by reset(): it stands for data from elsewhere, not for this clinic's sends.
   */
  readonly others = new Map<string, SharedBundle[]>();
  /** requests of the service API read so far (the server counts them; tests wait for one to arrive) */
  received = 0;
  /** requests answered with a failure status since the control was set */
  private failed = 0;

  constructor(private readonly options: { validate?: BundleValidator; now?: () => Date; seedMemberIds?: Iterable<string> } = {}) {
    if (options.seedMemberIds) this.seedOtherInstitutions(options.seedMemberIds);
  }

  /** Seeds the invented other institutions' bundles for these patients (deterministic per member ID). */
  seedOtherInstitutions(memberIds: Iterable<string>): number {
    let n = 0;
    for (const memberId of memberIds) {
      const bundles = otherInstitutionsBundles(memberId);
      this.others.set(memberId, bundles);
      n += bundles.length;
    }
    return n;
  }

  /** Holds exactly these bundles as other institutions' for the patient (tests: a malformed bundle, an empty list). */
  putOtherInstitutionBundles(memberId: string, bundles: SharedBundle[]) {
    this.others.set(memberId, bundles);
  }

  private now() {
    return (this.options.now ?? (() => new Date()))();
  }

  setControl(control: Partial<SandboxControl>) {
    this.control = { ...this.control, ...control };
    this.failed = 0;
  }

  reset() {
    this.units.clear();
    this.receipts.length = 0;
    this.control = { ...NORMAL_CONTROL };
    this.failed = 0;
  }

  /** The failure status to answer now (503/429 with Retry-After), if the control asks for one. */
  takeFailure(): { status: 503 | 429; retryAfterSec: number } | null {
    const f = this.control.failWith;
    if (!f) return null;
    if (f.count !== undefined && this.failed >= f.count) return null;
    this.failed++;
    return { status: f.status, retryAfterSec: f.retryAfterSec };
  }

  register(request: { identifier: string; memberId: string; bundle: unknown; contentHash: string }):
    | { ok: true; receiptId: string; acceptedAt: string; replaced: boolean }
    | { ok: false; issues: SharingIssue[] } {
    if (this.control.reject) return { ok: false, issues: [this.control.reject] };
    const issues = envelopeIssues(request.identifier, request.memberId, request.bundle);
    if (issues.length === 0 && this.options.validate) issues.push(...this.options.validate(request.bundle));
    if (issues.length) return { ok: false, issues };
    const held = this.units.get(request.identifier);
    if (held && held.memberId !== request.memberId) {
      return { ok: false, issues: [{ code: 'E-MEMBER-MISMATCH', message: '登録済みの文書と被保険者個人識別子が異なります（削除してから登録してください）' }] };
    }
    const at = this.now().toISOString();
    this.units.set(request.identifier, { ...request, registeredAt: at });
    const receipt = { receiptId: randomUUID(), identifier: request.identifier, contentHash: request.contentHash, at };
    this.receipts.push(receipt);
    return { ok: true, receiptId: receipt.receiptId, acceptedAt: at, replaced: Boolean(held) };
  }

  delete(request: { identifier: string; memberId: string }): { ok: true; deleted: boolean } | { ok: false; issues: SharingIssue[] } {
    const held = this.units.get(request.identifier);
    if (!held) return { ok: true, deleted: false };
    if (held.memberId !== request.memberId) {
      return { ok: false, issues: [{ code: 'E-MEMBER-MISMATCH', message: '削除要求の被保険者個人識別子が登録時と異なります' }] };
    }
    this.units.delete(request.identifier);
    return { ok: true, deleted: true };
  }

  status(identifier: string): UnitStatus {
    const held = this.units.get(identifier);
    return held ? { held: true, contentHash: held.contentHash, memberId: held.memberId, registeredAt: held.registeredAt } : { held: false };
  }

  /** What other institutions registered for the patient, within the consent's scope (never the asking clinic's own). */
  fetchPatientRecords(request: { memberId: string; scope: readonly SharedInfoKind[]; excludeInstitution?: string }): SharedBundle[] {
    // what a test put there malformed on purpose is served as it is (the app must cope with it)
    return (this.others.get(request.memberId) ?? []).filter(
      (b) => typeof b !== 'object' || b === null || !SHARED_KINDS.has(b.kind) || (request.scope.includes(b.kind) && b.institutionNumber !== request.excludeInstitution),
    );
  }

  /** How many times each (identifier, content) was accepted: a value above 1 is a duplicate delivery. */
  deliveriesPerContent(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.receipts) counts.set(`${r.identifier}|${r.contentHash}`, (counts.get(`${r.identifier}|${r.contentHash}`) ?? 0) + 1);
    return counts;
  }
}
