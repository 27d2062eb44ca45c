import { db, type Tx } from '@/lib/core/db';
import type { Prisma } from '@/lib/generated/prisma/client';

type Client = Tx | ReturnType<typeof db>;

export const appointmentSlotRepository = {
  listRules: (c: Client, clinicId: string) =>
    c.appointmentSlotRule.findMany({ where: { clinicId }, orderBy: [{ weekday: 'asc' }, { startTime: 'asc' }, { createdAt: 'asc' }] }),
  /** The rules of one weekday; `doctorId` undefined: every doctor's and the 医師指定なし ones. */
  rulesFor: (c: Client, clinicId: string, weekdays: number[], doctorId?: string | null) =>
    c.appointmentSlotRule.findMany({
      where: { clinicId, weekday: { in: weekdays }, ...(doctorId !== undefined ? { doctorId } : {}) },
      orderBy: [{ startTime: 'asc' }],
    }),
  findRule: (c: Client, clinicId: string, ruleId: string) => c.appointmentSlotRule.findUnique({ where: { clinicId_id: { clinicId, id: ruleId } } }),
  createRule: (tx: Tx, data: Prisma.AppointmentSlotRuleUncheckedCreateInput) => tx.appointmentSlotRule.create({ data }),
  removeRule: (tx: Tx, clinicId: string, ruleId: string) => tx.appointmentSlotRule.delete({ where: { clinicId_id: { clinicId, id: ruleId } } }),
  /** Serialises bookings of one day and doctor, so two terminals cannot both take the last place of a slot. */
  lockDay: (tx: Tx, clinicId: string, date: string, doctorId: string | null) =>
    tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`appointment-slot:${clinicId}:${date}:${doctorId ?? '-'}`}, 0))`,
  /** Appointments that hold a place (not cancelled) in [from, to): their time and doctor. */
  placesBetween: (c: Client, clinicId: string, from: Date, to: Date) =>
    c.appointment.findMany({ where: { clinicId, startsAt: { gte: from, lt: to }, status: { notIn: ['cancelled', 'moved'] } }, select: { startsAt: true, doctorId: true } }),
};
