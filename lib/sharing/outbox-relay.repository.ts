/**
 * The relay from the write path's outbox (SharingOutbox, one row per change) to sharing units: per clinic, in one
 * transaction, unprocessed rows are claimed (FOR UPDATE SKIP LOCKED), coalesced into the units they touch, the units
 * marked changed with their delivery jobs enqueued (one multi-row statement each), and the rows marked processed.
 * Every statement but the discovery of clinics with unprocessed rows names the clinic (router queries on Citus).
 */
import { db, runInTransaction } from '@/lib/core/db';
import { markUnitsChanged } from './sharing-unit.repository';
import type { UnitKind } from './sharing.constants';

/** Clinics with unprocessed outbox rows (reads every shard, no lock). */
export async function clinicsWithOutboxRows(limit = 100, onlyClinics?: string[]): Promise<string[]> {
  const rows = await db().$queryRaw<{ clinicId: string }[]>`
    SELECT DISTINCT "clinicId" FROM "SharingOutbox"
    WHERE "processedAt" IS NULL AND (${onlyClinics ?? null}::text[] IS NULL OR "clinicId" = ANY(${onlyClinics ?? null}::text[]))
    LIMIT ${limit}`;
  return rows.map((r) => r.clinicId);
}

/** Relays up to `batchSize` rows of one clinic; returns how many rows and units it handled. */
export async function relayClinicOutbox(clinicId: string, now: Date, batchSize = 500): Promise<{ rows: number; units: number }> {
  return runInTransaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string; unitKind: string; patientId: string; labReportId: string | null }[]>`
      SELECT id, "unitKind", "patientId", "labReportId" FROM "SharingOutbox"
      WHERE "clinicId" = ${clinicId} AND "processedAt" IS NULL
      ORDER BY "createdAt" LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
    if (rows.length === 0) return { rows: 0, units: 0 };
    const units = new Map<string, { patientId: string; kind: UnitKind; labReportId: string }>();
    for (const r of rows) {
      const labReportId = r.unitKind === 'lab_report' ? (r.labReportId ?? '') : '';
      units.set(`${r.patientId}|${r.unitKind}|${labReportId}`, { patientId: r.patientId, kind: r.unitKind as UnitKind, labReportId });
    }
    await markUnitsChanged(tx, clinicId, [...units.values()], now);
    await tx.$executeRaw`UPDATE "SharingOutbox" SET "processedAt" = ${now} WHERE "clinicId" = ${clinicId} AND id = ANY(${rows.map((r) => r.id)}::text[])`;
    return { rows: rows.length, units: units.size };
  });
}

/** One pass over every clinic with unprocessed rows. */
export async function relaySharingOutbox(now = new Date(), onlyClinics?: string[]): Promise<{ rows: number; units: number }> {
  const total = { rows: 0, units: 0 };
  for (const clinicId of await clinicsWithOutboxRows(100, onlyClinics)) {
    for (;;) {
      const r = await relayClinicOutbox(clinicId, now);
      total.rows += r.rows;
      total.units += r.units;
      if (r.rows < 500) break;
    }
  }
  return total;
}

/** Runs a relay pass every `intervalMs` until stop() (the worker process). */
export function startOutboxRelay(options: { intervalMs: number; onRelayed?: () => void; clinicIds?: string[] }) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const pass = async () => {
    try {
      const r = await relaySharingOutbox(new Date(), options.clinicIds);
      if (r.units > 0) options.onRelayed?.();
    } catch {
      // the rows stay unprocessed for the next pass
    }
    if (!stopped) timer = setTimeout(() => (running = pass()), options.intervalMs);
  };
  running = pass();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
