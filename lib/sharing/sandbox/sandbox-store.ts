/**
 * The sandbox 電子カルテ情報共有サービス's state and rules (no I/O): registered units by identifier (a register replaces,
 * a delete removes), validation with error codes like the real service's, every receipt (so tests and benchmarks can
 * prove nothing was delivered twice), a control state to be down, slow, answer 503/429 with Retry-After, or reject,
 * and the 6情報 invented other institutions registered for the patients it was seeded with (other-institutions.ts).
 */
import { randomUUID } from 'node:crypto';
import { SHARED_INFO_KINDS, type DocumentStatus, type InboxEntry, type SharedBundle, type SharedInfoKind, type SharingIssue, type UnitStatus } from '../sharing-service';

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

export type StoredDocument = StoredUnit & { version: number; senderInstitution: string; addressee: string | null };

const INSTITUTION_SYSTEM = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';
const SECTION_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/document-section';
const VERSION_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber';

type DocBundle = {
  resourceType?: unknown;
  type?: unknown;
  identifier?: { value?: unknown };
  entry?: { fullUrl?: string; resource?: { resourceType?: unknown; extension?: { url?: string; valueString?: string }[]; section?: { code?: { coding?: { system?: string; code?: string }[] }; entry?: { reference?: string }[] }[]; identifier?: { system?: string; value?: string }[] } }[];
};

/** A 診療情報提供書 (Composition.type 57133-1); other documents (退院時サマリー 18842-5, 健診結果報告書 53576-5) carry no 紹介元 / 紹介先 sections. */
function isReferral(composition: unknown): boolean {
  const coding = (composition as { type?: { coding?: { code?: string }[] } } | undefined)?.type?.coding;
  return !Array.isArray(coding) || !coding.some((c) => c.code === '18842-5' || c.code === '53576-5');
}

/** The 医療機関コード of the Organization a Composition section (920 紹介元, 910 紹介先) points at, if any. */
export function sectionInstitution(bundle: unknown, code: '910' | '920'): string | null {
  const b = bundle as DocBundle | null;
  const entries = Array.isArray(b?.entry) ? b.entry : [];
  const section = entries[0]?.resource?.section?.find((s) => s.code?.coding?.some((c) => c.system === SECTION_SYSTEM && c.code === code));
  for (const ref of section?.entry ?? []) {
    const org = entries.find((e) => e.fullUrl === ref.reference)?.resource;
    const id = org?.resourceType === 'Organization' ? org.identifier?.find((i) => i.system === INSTITUTION_SYSTEM)?.value : undefined;
    if (id) return id;
  }
  return null;
}

/** What the service reads of a document bundle itself: identifier, type document, Composition first, its version, both institutions. */
function documentEnvelopeIssues(identifier: string, version: number, memberId: string, bundle: unknown): SharingIssue[] {
  const issues: SharingIssue[] = [];
  if (!IDENTIFIER.test(identifier)) issues.push({ code: 'E-IDENTIFIER', message: '文書識別子が「医療機関コード^年^ID」の形式ではありません', expression: 'Bundle.identifier.value' });
  if (!MEMBER_ID.test(memberId)) issues.push({ code: 'E-MEMBER', message: '被保険者個人識別子の形式が不正です（保険者番号:記号:番号:枝番）' });
  if (!Number.isInteger(version) || version < 1) issues.push({ code: 'E-VERSION', message: '文書の版番号が不正です' });
  const b = bundle as DocBundle | null;
  if (!b || b.resourceType !== 'Bundle') return [...issues, { code: 'E-STRUCTURE', message: 'Bundleリソースではありません', expression: 'Bundle' }];
  if (b.type !== 'document') issues.push({ code: 'E-STRUCTURE', message: 'Bundle.typeはdocumentでなければなりません', expression: 'Bundle.type' });
  if (b.identifier?.value !== identifier) issues.push({ code: 'E-IDENTIFIER', message: '要求の文書識別子とBundle.identifierが一致しません', expression: 'Bundle.identifier.value' });
  const composition = Array.isArray(b.entry) ? b.entry[0]?.resource : undefined;
  if (composition?.resourceType !== 'Composition') return [...issues, { code: 'E-STRUCTURE', message: '最初のentryはCompositionでなければなりません', expression: 'Bundle.entry[0]' }];
  const v = composition.extension?.find((e) => e.url === VERSION_EXTENSION)?.valueString;
  if (v !== String(version)) issues.push({ code: 'E-VERSION', message: '要求の版番号とCompositionの版番号が一致しません', expression: 'Composition.extension(versionNumber)' });
  if (isReferral(composition) && !sectionInstitution(bundle, '920')) issues.push({ code: 'E-STRUCTURE', message: '紹介元の医療機関コードがありません', expression: 'Composition.section(920)' });
  // a 診療情報提供書 is addressed (910 紹介先); a 退院時サマリー or 健診結果報告書 is registered for the patient, with no addressee
  if (isReferral(composition) && !sectionInstitution(bundle, '910')) issues.push({ code: 'E-STRUCTURE', message: '紹介先の医療機関コードがありません', expression: 'Composition.section(910)' });
  return issues;
}

export class SandboxStore {
  /** documents (3文書) held by identifier, latest version */
  readonly documents = new Map<string, StoredDocument>();
  /** every accepted document register / delete addressed to an institution, in order (the inboxes' feed) */
  readonly feed: (InboxEntry & { addressee: string })[] = [];
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
  /** the unit/document identifiers those requests named, in order (a test waits for its own unit's request) */
  readonly receivedFor: string[] = [];
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
    this.documents.clear();
    this.feed.length = 0;
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

  registerDocument(request: { identifier: string; version: number; memberId: string; bundle: unknown; contentHash: string }):
    | { ok: true; receiptId: string; acceptedAt: string; replaced: boolean }
    | { ok: false; issues: SharingIssue[] } {
    if (this.control.reject) return { ok: false, issues: [this.control.reject] };
    const issues = documentEnvelopeIssues(request.identifier, request.version, request.memberId, request.bundle);
    if (issues.length === 0 && this.options.validate) issues.push(...this.options.validate(request.bundle));
    if (issues.length) return { ok: false, issues };
    const held = this.documents.get(request.identifier);
    if (held && held.memberId !== request.memberId) {
      return { ok: false, issues: [{ code: 'E-MEMBER-MISMATCH', message: '登録済みの文書と被保険者個人識別子が異なります（削除してから登録してください）' }] };
    }
    if (held && request.version < held.version) return { ok: false, issues: [{ code: 'E-VERSION', message: `より新しい版（第${held.version}版）が登録済みです` }] };
    if (held && request.version === held.version) {
      // the same send again (a retry after a lost answer): accepted without change; other content needs a new version
      if (held.contentHash === request.contentHash) return { ok: true, receiptId: randomUUID(), acceptedAt: held.registeredAt, replaced: false };
      return { ok: false, issues: [{ code: 'E-VERSION', message: `第${held.version}版は別の内容で登録済みです（差替は版を上げてください）` }] };
    }
    const at = this.now().toISOString();
    const stored: StoredDocument = {
      identifier: request.identifier,
      memberId: request.memberId,
      bundle: request.bundle,
      contentHash: request.contentHash,
      registeredAt: at,
      version: request.version,
      senderInstitution: sectionInstitution(request.bundle, '920') ?? request.identifier.slice(0, 10),
      addressee: sectionInstitution(request.bundle, '910'),
    };
    this.documents.set(request.identifier, stored);
    const receipt = { receiptId: randomUUID(), identifier: request.identifier, contentHash: request.contentHash, at };
    this.receipts.push(receipt);
    if (stored.addressee) {
      this.feed.push({ seq: this.feed.length + 1, addressee: stored.addressee, identifier: stored.identifier, version: stored.version, senderInstitution: stored.senderInstitution, registeredAt: at, deleted: false, bundle: stored.bundle });
    }
    return { ok: true, receiptId: receipt.receiptId, acceptedAt: at, replaced: Boolean(held) };
  }

  deleteDocument(request: { identifier: string; memberId: string }): { ok: true; deleted: boolean } | { ok: false; issues: SharingIssue[] } {
    const held = this.documents.get(request.identifier);
    if (!held) return { ok: true, deleted: false };
    if (held.memberId !== request.memberId) {
      return { ok: false, issues: [{ code: 'E-MEMBER-MISMATCH', message: '削除要求の被保険者個人識別子が登録時と異なります' }] };
    }
    this.documents.delete(request.identifier);
    if (held.addressee) {
      this.feed.push({ seq: this.feed.length + 1, addressee: held.addressee, identifier: held.identifier, version: held.version, senderInstitution: held.senderInstitution, registeredAt: this.now().toISOString(), deleted: true, bundle: null });
    }
    return { ok: true, deleted: true };
  }

  documentStatus(identifier: string): DocumentStatus {
    const held = this.documents.get(identifier);
    return held ? { held: true, version: held.version, contentHash: held.contentHash, memberId: held.memberId, registeredAt: held.registeredAt } : { held: false };
  }

  /** The institution's inbox feed after `after` (oldest first). */
  inbox(institutionNumber: string, after: number, limit = 100): InboxEntry[] {
    return this.feed
      .filter((e) => e.addressee === institutionNumber && e.seq > after)
      .slice(0, Math.min(Math.max(limit, 1), 500))
      .map(({ addressee: _a, ...e }) => e);
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
