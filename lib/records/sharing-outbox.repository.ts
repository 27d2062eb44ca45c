/**
 * Writes the sharing outbox (table "SharingOutbox", docs/decisions/0020): one row per change of a JP-CLINS 報告単位,
 * always inside the transaction of the change. Only the write path (lib/records/write-path.ts) calls it; the relay in
 * lib/sharing reads and marks the rows.
 */
import type { Tx } from '@/lib/core/db';
import type { SharingOutboxReason, SharingUnitKind } from './sharing-outbox.constants';

/** The unit a change touched: a patient's diagnoses or allergies, or one lab report. */
export type SharingUnit = { unitKind: 'diagnoses' | 'allergies'; patientId: string } | { unitKind: 'lab_report'; patientId: string; labReportId: string };

export type SharingOutboxEntry = SharingUnit & { reason: SharingOutboxReason; recordId: string };

export const sharingOutboxRepository = {
  /** Appends the entries (no read, no lock). createdAt is the caller's time so every row of one change has the same. */
  append: (tx: Tx, clinicId: string, entries: readonly SharingOutboxEntry[], at: Date) =>
    tx.sharingOutbox.createMany({
      data: entries.map((e) => ({
        clinicId,
        unitKind: e.unitKind satisfies SharingUnitKind,
        patientId: e.patientId,
        labReportId: e.unitKind === 'lab_report' ? e.labReportId : null,
        reason: e.reason,
        recordId: e.recordId,
        createdAt: at,
      })),
    }),
};
