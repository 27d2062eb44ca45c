import { db, type Tx } from '@/lib/core/db';
import type { Prisma } from '@/lib/generated/prisma/client';

type Client = Tx | ReturnType<typeof db>;

const PATIENT = { select: { id: true, patientNumber: true, familyName: true, givenName: true, familyNameKana: true, givenNameKana: true } } as const;

export const appointmentRepository = {
  create: (tx: Tx, data: Prisma.AppointmentUncheckedCreateInput) => tx.appointment.create({ data }),
  find: (c: Client, clinicId: string, appointmentId: string) =>
    c.appointment.findUnique({ where: { clinicId_id: { clinicId, id: appointmentId } } }),
  /** The clinic's appointments in [from, to), by time. */
  listBetween: (clinicId: string, from: Date, to: Date) =>
    db().appointment.findMany({
      where: { clinicId, startsAt: { gte: from, lt: to } },
      orderBy: [{ startsAt: 'asc' }, { createdAt: 'asc' }],
      include: { patient: PATIENT, visit: { select: { receptionNumber: true, status: true } }, movedFrom: { select: { startsAt: true } }, movedTo: { select: { startsAt: true } }, orcaLink: { select: { state: true, message: true } } },
    }),
  /** A patient's appointments from a time on (the chart shows the upcoming ones). */
  listForPatientFrom: (clinicId: string, patientId: string, from: Date) =>
    db().appointment.findMany({ where: { clinicId, patientId, startsAt: { gte: from }, status: 'booked' }, orderBy: { startsAt: 'asc' }, take: 10 }),
  /** Conditional: only a still booked appointment is cancelled (two terminals cannot both act on it). */
  cancelIfBooked: (tx: Tx, clinicId: string, appointmentId: string, userId: string) =>
    tx.appointment.updateMany({ where: { clinicId, id: appointmentId, status: 'booked' }, data: { status: 'cancelled', cancelledById: userId, cancelledAt: new Date() } }),
  /** 予約変更: only a still booked appointment is moved (the new one is created in the same transaction). */
  markMovedIfBooked: (tx: Tx, clinicId: string, appointmentId: string) =>
    tx.appointment.updateMany({ where: { clinicId, id: appointmentId, status: 'booked' }, data: { status: 'moved' } }),
  checkInIfBooked: (tx: Tx, clinicId: string, appointmentId: string, visitId: string) =>
    tx.appointment.updateMany({ where: { clinicId, id: appointmentId, status: 'booked' }, data: { status: 'checked_in', visitId, checkedInAt: new Date() } }),
};
