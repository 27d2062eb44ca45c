/**
 * The sharing port answered in process by the sandbox's rules (sandbox/sandbox-store.ts), for a process with no
 * sandbox server to talk to. Same answers and the same control (down, slow, 503/429, reject) as the server.
 */
import { SandboxStore } from '../sandbox/sandbox-store';
import {
  SharingRejectedError,
  SharingUnavailableError,
  type DeleteUnitRequest,
  type DocumentStatus,
  type FetchInboxRequest,
  type InboxEntry,
  type RegisterDocumentRequest,
  type FetchPatientRecordsRequest,
  type RegisterUnitReceipt,
  type RegisterUnitRequest,
  type SharedBundle,
  type SharingService,
  type UnitStatus,
} from '../sharing-service';

export class SandboxSharingService implements SharingService {
  constructor(readonly store: SandboxStore = new SandboxStore()) {}

  private async gate() {
    if (this.store.control.down) throw new SharingUnavailableError('共有サービスに接続できません');
    if (this.store.control.latencyMs > 0) await new Promise((r) => setTimeout(r, this.store.control.latencyMs));
    const failure = this.store.takeFailure();
    if (failure) throw new SharingUnavailableError('共有サービスが一時的に応答できません', failure.retryAfterSec * 1000, `HTTP ${failure.status}`);
  }

  async registerUnit(request: RegisterUnitRequest): Promise<RegisterUnitReceipt> {
    await this.gate();
    const r = this.store.register(request);
    if (!r.ok) throw new SharingRejectedError(r.issues);
    return { receiptId: r.receiptId, acceptedAt: r.acceptedAt, replaced: r.replaced };
  }

  async deleteUnit(request: DeleteUnitRequest): Promise<{ deleted: boolean }> {
    await this.gate();
    const r = this.store.delete(request);
    if (!r.ok) throw new SharingRejectedError(r.issues);
    return { deleted: r.deleted };
  }

  async unitStatus(identifier: string): Promise<UnitStatus> {
    await this.gate();
    return this.store.status(identifier);
  }

  async fetchPatientRecords(request: FetchPatientRecordsRequest): Promise<SharedBundle[]> {
    await this.gate();
    if (!request.consent.givenAt || request.consent.scope.length === 0) {
      throw new SharingRejectedError([{ code: 'E-CONSENT', message: '患者の同意が確認できません' }]);
    }
    return this.store.fetchPatientRecords({ memberId: request.memberId, scope: request.consent.scope, excludeInstitution: request.excludeInstitution });
  }

  async registerDocument(request: RegisterDocumentRequest): Promise<RegisterUnitReceipt> {
    await this.gate();
    const r = this.store.registerDocument(request);
    if (!r.ok) throw new SharingRejectedError(r.issues);
    return { receiptId: r.receiptId, acceptedAt: r.acceptedAt, replaced: r.replaced };
  }

  async deleteDocument(request: DeleteUnitRequest): Promise<{ deleted: boolean }> {
    await this.gate();
    const r = this.store.deleteDocument(request);
    if (!r.ok) throw new SharingRejectedError(r.issues);
    return { deleted: r.deleted };
  }

  async documentStatus(identifier: string): Promise<DocumentStatus> {
    await this.gate();
    return this.store.documentStatus(identifier);
  }

  async fetchInbox(request: FetchInboxRequest): Promise<InboxEntry[]> {
    await this.gate();
    return this.store.inbox(request.institutionNumber, request.after, request.limit);
  }
}
