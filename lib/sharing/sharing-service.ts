/**
 * The port to the 電子カルテ情報共有サービス, in our terms: register a 報告単位 (a JP-CLINS bundle under its identifier),
 * delete one, ask what the service holds under an identifier, and fetch the 6情報 other institutions registered for a
 * patient (with the patient's consent). Adapters (adapters/) translate to a protocol; the factory
 * (get-sharing-service.ts) picks one. Errors say what the caller should do: fix the data, or try again later.
 */

export type RegisterUnitRequest = {
  /** Bundle.identifier: 医療機関コード^年^id; a register under a held identifier replaces what is held */
  identifier: string;
  /** 被保険者個人識別子 used for this send (kept: the delete must name the same one) */
  memberId: string;
  bundle: unknown;
  /** SHA-256 of the bundle's content (lib/fhir bundleContentHash): the service's receipt echoes it */
  contentHash: string;
};

export type RegisterUnitReceipt = { receiptId: string; acceptedAt: string; replaced: boolean };

export type DeleteUnitRequest = { identifier: string; memberId: string };

export type UnitStatus = { held: false } | { held: true; contentHash: string; memberId: string; registeredAt: string };

/** The consent the patient gave for this read (in reality at the マイナ保険証 reader). */
export type SharingConsent = { givenAt: string; scope: readonly SharedInfoKind[] };

export const SHARED_INFO_KINDS = ['diagnoses', 'allergies', 'labs'] as const;
export type SharedInfoKind = (typeof SHARED_INFO_KINDS)[number];

/** One bundle another institution registered, as the service returns it (the caller reads its resources). */
export type SharedBundle = {
  identifier: string;
  institutionNumber: string;
  institutionName: string;
  registeredAt: string;
  kind: SharedInfoKind;
  bundle: unknown;
};

export type FetchPatientRecordsRequest = { memberId: string; consent: SharingConsent; excludeInstitution?: string };

/** A problem the service found in a bundle: a code, a message, and where (FHIRPath) when it knows. */
export type SharingIssue = { code: string; message: string; expression?: string; recordId?: string | null; field?: string };

/**
 * A clinical document (診療情報提供書, JP_Bundle_eReferral) under its identifier and version: a register with a higher
 * version replaces what is held (差替); the same version with the same content is accepted again without change.
 */
export type RegisterDocumentRequest = RegisterUnitRequest & { version: number };

export type DocumentStatus = { held: false } | { held: true; version: number; contentHash: string; memberId: string; registeredAt: string };

/**
 * One entry of a clinic's document inbox at the service: a letter addressed to its 医療機関コード (a register, with
 * the bundle) or its withdrawal (取消 at the sender: `deleted`, no bundle). `seq` orders the feed; ask for more after it.
 */
export type InboxEntry = {
  seq: number;
  identifier: string;
  version: number;
  senderInstitution: string;
  registeredAt: string;
  deleted: boolean;
  bundle: unknown;
};

export type FetchInboxRequest = { institutionNumber: string; after: number; limit?: number };

export interface SharingService {
  registerUnit(request: RegisterUnitRequest): Promise<RegisterUnitReceipt>;
  /** Removes what the service holds under the identifier; `deleted` false when it held nothing (already gone). */
  deleteUnit(request: DeleteUnitRequest): Promise<{ deleted: boolean }>;
  unitStatus(identifier: string): Promise<UnitStatus>;
  fetchPatientRecords(request: FetchPatientRecordsRequest): Promise<SharedBundle[]>;
  /** Documents (3文書): register (a higher version replaces: 差替), delete (取消), what is held. */
  registerDocument(request: RegisterDocumentRequest): Promise<RegisterUnitReceipt>;
  deleteDocument(request: DeleteUnitRequest): Promise<{ deleted: boolean }>;
  documentStatus(identifier: string): Promise<DocumentStatus>;
  /** Letters addressed to the institution after `after` in its feed (oldest first). */
  fetchInbox(request: FetchInboxRequest): Promise<InboxEntry[]>;
}

/** The service understood the request and refused it: sending the same again fails again; the clinic must fix the data. */
export class SharingRejectedError extends Error {
  constructor(readonly issues: SharingIssue[]) {
    super(issues.map((i) => `${i.code}: ${i.message}`).join('; ') || 'rejected');
    this.name = 'SharingRejectedError';
  }
}

/** The service could not be reached or asked us to wait (timeout, 5xx, 429): safe to try again later. */
export class SharingUnavailableError extends Error {
  /** `message` is what the clinic reads; `detail` (a socket error code, an HTTP status) is for the delivery ledger */
  constructor(message: string, readonly retryAfterMs?: number, readonly detail?: string) {
    super(message);
    this.name = 'SharingUnavailableError';
  }
}
