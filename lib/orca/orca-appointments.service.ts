/**
 * 予約 via ORCA (docs/orca.md "予約 in ORCA"), for a clinic whose setting says it keeps its 予約 in ORCA
 * (OrcaSettings.useOrcaAppointments): the EHR's 予約 stays the one reception works with, and each booking, move and
 * cancellation is sent to ORCA in the background (job `orca.appointment`, one per EHR appointment) with appointmodv2.
 * A move is a cancellation of the old 予約 and a booking of the new one, as the EHR records it. Like the 受付:
 * - before a write the link is `sending`; a step that finds it still `sending` reads the patient's 予約 (appointlst2v2)
 *   first and links what is there — ORCA has no request ids;
 * - `20` (the slot is already booked) is resolved the same way when the 予約 there is the patient's own;
 * - 90 and outages are retries; refusals are `failed` with ORCA's message; K3/K4/K5 are stored and shown.
 */
import { randomUUID } from 'node:crypto';
import { recordAuditEvent } from '@/lib/audit/audit';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { dateOnly, isoDate } from '@/lib/core/dates';
import { jstParts } from '@/lib/core/tz';
import { enqueueJob } from '@/lib/jobs/job.repository';
import { getOrcaLink } from './get-orca-link';
import { orcaAppointmentRepository as appointmentRepo, orcaLinkRepository as repo } from './orca-link.repository';
import { OrcaRejectedError, OrcaUnavailableError, type OrcaAppointment, type OrcaLink, type OrcaWarning } from './orca-port';
import { ORCA_APPOINTMENT_QUEUE } from './orca-queues';
import { ensureOrcaPatient, outcomeOf, sendOnceToOrca, type OrcaSyncOutcome } from './orca-sync.service';

type Deps = { link?: OrcaLink | null; now?: () => Date };

/** Records that the appointment is due in ORCA (in the booking's transaction); false when the clinic does not use ORCA's 予約. */
export async function queueOrcaAppointment(tx: Tx, clinicId: string, appointment: { id: string; patientId: string }, now = new Date()): Promise<boolean> {
  const settings = await repo.settings(tx, clinicId);
  if (!settings?.useOrcaAppointments) return false;
  await appointmentRepo.save(tx, clinicId, appointment.id, { state: 'queued' }, now);
  await enqueueJob(tx, { clinicId, queue: ORCA_APPOINTMENT_QUEUE, key: appointment.id, payload: { appointmentId: appointment.id, patientId: appointment.patientId }, now });
  return true;
}

/** Records that the appointment must be cancelled in ORCA (取消, or the old one of a 予約変更). */
export async function queueOrcaAppointmentCancel(tx: Tx, clinicId: string, appointment: { id: string; patientId: string }, now = new Date()): Promise<boolean> {
  const row = await appointmentRepo.link(tx, clinicId, appointment.id);
  if (!row || row.state === 'cancelled') return false;
  await appointmentRepo.save(tx, clinicId, appointment.id, { state: 'cancel_queued' }, now);
  await enqueueJob(tx, { clinicId, queue: ORCA_APPOINTMENT_QUEUE, key: appointment.id, payload: { appointmentId: appointment.id, patientId: appointment.patientId }, now });
  return true;
}

const jst = (d: Date) => {
  const p = jstParts(d);
  return { date: `${p.yyyy}-${p.MM}-${p.dd}`, time: `${p.HH}:${p.mm}:00` };
};

/** Books (or cancels) the appointment in ORCA with 診療科 (the doctor's), ドクター (the clinic's mapping) and 診療内容. */
export async function syncOrcaAppointment(clinicId: string, appointmentId: string, deps: Deps = {}): Promise<OrcaSyncOutcome> {
  const link = deps.link === undefined ? getOrcaLink() : deps.link;
  const now = deps.now ?? (() => new Date());
  if (!link) return { kind: 'skipped', message: 'ORCA連携は設定されていません。' };
  const row = await appointmentRepo.link(db(), clinicId, appointmentId);
  const appointment = await appointmentRepo.appointment(db(), clinicId, appointmentId);
  if (!row || !appointment) return { kind: 'skipped', message: 'ORCAへの送信予定はありません。' };
  if (row.state === 'sent' || row.state === 'cancelled') return { kind: 'done' };
  const settings = await repo.settings(db(), clinicId);
  if (!settings) return { kind: 'skipped', message: 'この医療機関はORCAと連携していません。' };
  const { date, time } = row.appointmentDate && row.appointmentTime ? { date: isoDate(row.appointmentDate), time: row.appointmentTime } : jst(appointment.startsAt);
  const audit = async (tx: Tx, detail: Record<string, unknown>) =>
    recordAuditEvent(tx, { clinicId, actor: null, action: 'export', resourceType: 'orca_appointment', resourceId: appointmentId, patientId: appointment.patientId, detail: { via: 'orca', ...detail }, ctx: { ip: null, requestId: `orca-${randomUUID()}` } });
  const findInOrca = async (orcaPatientId: string) =>
    (await link.listPatientAppointments({ patientId: orcaPatientId, baseDate: date })).find((a) => a.date === date && a.time.slice(0, 5) === time.slice(0, 5));

  if (row.state === 'cancel_queued') {
    const cancelled = async (note: string) => {
      await runInTransaction(async (tx) => {
        await appointmentRepo.save(tx, clinicId, appointmentId, { state: 'cancelled', message: null, attempts: row.attempts + 1 }, now());
        await audit(tx, { cancelled: row.orcaAppointmentId, note });
      });
      return { kind: 'done' as const };
    };
    if (!row.orcaPatientId) return cancelled('never reached ORCA');
    try {
      const appointmentIdInOrca = row.orcaAppointmentId ?? (await findInOrca(row.orcaPatientId))?.appointmentId;
      if (!appointmentIdInOrca) return cancelled('not in ORCA');
      await link.cancelAppointment({ patientId: row.orcaPatientId, date, time, appointmentId: appointmentIdInOrca });
      return cancelled('cancelled in ORCA');
    } catch (error) {
      // 25–27: nothing to cancel there (ORCA's staff cancelled it already)
      if (error instanceof OrcaRejectedError && ['25', '26', '27'].includes(error.code)) return cancelled('not in ORCA');
      const outcome = outcomeOf(error);
      await appointmentRepo.save(db(), clinicId, appointmentId, { message: outcome.kind === 'done' ? null : outcome.message, attempts: row.attempts + 1, ...(outcome.kind === 'failed' ? { state: 'failed' } : {}) }, now());
      return outcome;
    }
  }

  const patient = await ensureOrcaPatient(clinicId, appointment.patientId, { link, now });
  if (patient.kind !== 'done') {
    await appointmentRepo.save(db(), clinicId, appointmentId, { message: patient.message, attempts: row.attempts + 1, ...(patient.kind === 'failed' ? { state: 'failed' } : {}) }, now());
    return patient;
  }
  const orcaPatientId = patient.orcaPatientId!;
  const departmentCode = ((await appointmentRepo.doctorDepartmentCode(db(), clinicId, appointment.doctorId)) ?? '01').slice(0, 2);
  const physicianCodes = (settings.physicianCodes ?? {}) as Record<string, string>;
  const physicianCode = (appointment.doctorId && physicianCodes[appointment.doctorId]) || settings.defaultPhysicianCode;

  const store = async (found: OrcaAppointment, warnings: OrcaWarning[]) => {
    await runInTransaction(async (tx) => {
      await appointmentRepo.save(
        tx,
        clinicId,
        appointmentId,
        {
          state: 'sent',
          orcaPatientId,
          orcaAppointmentId: found.appointmentId,
          appointmentDate: dateOnly(found.date),
          appointmentTime: found.time,
          warnings: warnings as object[],
          message: warnings.length ? warnings.map((w) => `${w.code}: ${w.message}`).join(' / ') : null,
          attempts: row.attempts + 1,
        },
        now(),
      );
      await audit(tx, { appointmentId: found.appointmentId, warnings: warnings.map((w) => w.code) });
    });
    return { kind: 'done' as const, warnings };
  };

  return sendOnceToOrca({
    wasSending: row.state === 'sending',
    // the slot may be booked in ORCA by this very patient (a 予約 made in ORCA, or ours whose answer was lost)
    find: () => findInOrca(orcaPatientId),
    markSending: () => appointmentRepo.save(db(), clinicId, appointmentId, { state: 'sending', orcaPatientId, appointmentDate: dateOnly(date), appointmentTime: time }, now()),
    send: async () => {
      const { appointment: booked, warnings } = await link.registerAppointment({
        patientId: orcaPatientId,
        date,
        time,
        departmentCode,
        physicianCode,
        medicalInformation: settings.medicalInformation,
        note: appointment.purpose.slice(0, 60) || undefined,
      });
      return { found: booked, warnings };
    },
    store,
    alreadyThere: { code: '20', message: 'ORCAに同じ日時の予約があったため、その予約と連携しました。' },
    saveOutcome: (state, message) => appointmentRepo.save(db(), clinicId, appointmentId, { state, message, attempts: row.attempts + 1 }, now()),
  });
}
