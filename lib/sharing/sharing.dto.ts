/** What the sharing screens show (chart status, pre-send preview, attention list). Isomorphic: types only. */
import type { RenderedBundle } from '@/lib/fhir/render';
import type { UnitKind, UnitState } from './sharing.constants';

/** A finding staff can act on: what is wrong, in which field, and a link to the record to fix (when there is one). */
export type SharingIssueDto = {
  severity: 'error' | 'warning';
  message: string;
  /** the field as the chart names it */
  field: string | null;
  /** 傷病名 / アレルギー / 検査結果 / 患者情報 / 送信データ */
  record: string | null;
  href: string | null;
};

export type SharingUnitStatusDto = {
  /** the unit's id, or `outbox:<kind>:<report>` for a change the relay has not picked up yet */
  key: string;
  unitId: string | null;
  kind: UnitKind;
  /** 傷病名 / アレルギー / 検査 2026/12/01（HbA1c・LDL-C 他1項目） */
  title: string;
  state: UnitState;
  stateLabel: string;
  /** why it waits or failed and what to do (Japanese) */
  reason: string | null;
  issues: SharingIssueDto[];
  /** the service holds nothing under the identifier any more (deleted / emptied) */
  removed: boolean;
  changedAt: string | null;
  sentAt: string | null;
  lastAttemptAt: string | null;
  /** 再送 makes sense: エラー, 再送待ち or 未送信 */
  resendable: boolean;
};

export type PatientSharingStatusDto = { patientId: string; units: SharingUnitStatusDto[] };

export type SharingAttentionRowDto = SharingUnitStatusDto & {
  patient: { id: string; patientNumber: number; name: string; kana: string };
  /** the delivery job stopped (dead-lettered): nothing happens until somebody resends */
  jobStopped: boolean;
  lastError: string | null;
  /** the IG's deadline (next morning) has passed without a send */
  overdue: boolean;
};

export type SharingAttentionDto = {
  counts: Partial<Record<UnitState, number>>;
  rows: SharingAttentionRowDto[];
};

/** What the service would do with a unit now. */
export type PreviewAction = 'register' | 'unchanged' | 'delete' | 'none';

export type SharingPreviewUnitDto = {
  kind: UnitKind;
  title: string;
  identifier: string | null;
  action: PreviewAction;
  actionLabel: string;
  /** the current state of the unit (null: never relayed yet) */
  state: UnitState | null;
  stateLabel: string | null;
  memberId: string | null;
  /** no error: it would be accepted by our checks */
  sendable: boolean;
  issues: SharingIssueDto[];
  /** null when nothing would be sent (empty unit) */
  rendered: RenderedBundle | null;
};

export type SharingPreviewDto = { patientId: string; generatedAt: string; units: SharingPreviewUnitDto[] };
