/** ORCA link rows: the clinic's settings and ORCA's keys beside our patients and visits. Every query is by clinic. */
import { db, type Tx } from '@/lib/core/db';
import type { Prisma } from '@/lib/generated/prisma/client';

type Client = Tx | ReturnType<typeof db>;

export type OrcaVisitLinkData = Omit<Prisma.OrcaVisitLinkUncheckedCreateInput, 'clinicId' | 'visitId' | 'updatedAt'>;
export type OrcaPatientLinkData = Omit<Prisma.OrcaPatientLinkUncheckedCreateInput, 'clinicId' | 'patientId' | 'updatedAt'>;

export const orcaLinkRepository = {
  settings: (c: Client, clinicId: string) => c.orcaSettings.findUnique({ where: { clinicId } }),
  saveSettings: (c: Client, clinicId: string, data: Omit<Prisma.OrcaSettingsUncheckedCreateInput, 'clinicId' | 'updatedAt'>, now: Date) =>
    c.orcaSettings.upsert({ where: { clinicId }, create: { clinicId, ...data, updatedAt: now }, update: { ...data, updatedAt: now } }),

  patientLink: (c: Client, clinicId: string, patientId: string) => c.orcaPatientLink.findUnique({ where: { clinicId_patientId: { clinicId, patientId } } }),
  savePatientLink: (c: Client, clinicId: string, patientId: string, data: OrcaPatientLinkData, now: Date) =>
    c.orcaPatientLink.upsert({
      where: { clinicId_patientId: { clinicId, patientId } },
      create: { clinicId, patientId, ...data, updatedAt: now },
      update: { ...data, updatedAt: now },
    }),

  visitLink: (c: Client, clinicId: string, visitId: string) => c.orcaVisitLink.findUnique({ where: { clinicId_visitId: { clinicId, visitId } } }),
  saveVisitLink: (c: Client, clinicId: string, visitId: string, data: OrcaVisitLinkData, now: Date) =>
    c.orcaVisitLink.upsert({
      where: { clinicId_visitId: { clinicId, visitId } },
      create: { clinicId, visitId, ...data, updatedAt: now },
      update: { ...data, updatedAt: now },
    }),
  visitLinksForDate: (c: Client, clinicId: string, acceptanceDate: Date) =>
    c.orcaVisitLink.findMany({
      where: { clinicId, acceptanceDate },
      include: { visit: { select: { patientId: true, status: true } } },
    }),
  visitDay: (c: Client, clinicId: string, visitId: string) =>
    c.visit.findUnique({ where: { clinicId_id: { clinicId, id: visitId } }, select: { patientId: true, visitDate: true } }),
  openVisitOn: (c: Client, clinicId: string, patientId: string, visitDate: Date) =>
    c.visit.findFirst({ where: { clinicId, patientId, visitDate, status: { notIn: ['cancelled'] } }, orderBy: { arrivedAt: 'desc' } }),
  /** the visits and patients named by ORCA jobs (the admin's list of sends that need a person) */
  visitsByIds: (c: Client, clinicId: string, visitIds: string[]) =>
    c.visit.findMany({ where: { clinicId, id: { in: visitIds } }, select: { id: true, patientId: true, visitDate: true } }),
  patientNames: (c: Client, clinicId: string, patientIds: string[]) =>
    c.patient.findMany({ where: { clinicId, id: { in: patientIds } }, select: { id: true, patientNumber: true, familyName: true, givenName: true } }),
  /** which of these ORCA 患者番号 are already linked to an EHR patient */
  linksByOrcaIds: (c: Client, clinicId: string, orcaPatientIds: string[]) =>
    c.orcaPatientLink.findMany({ where: { clinicId, orcaPatientId: { in: orcaPatientIds } }, select: { patientId: true, orcaPatientId: true } }),
  /** EHR patients born that day with that sex (candidates for an ORCA patient; names are compared by the caller) */
  patientsBornOn: (c: Client, clinicId: string, birthDate: Date, sex: string) =>
    c.patient.findMany({
      where: { clinicId, birthDate, sex, deletedAt: null },
      select: { id: true, patientNumber: true, familyName: true, givenName: true, familyNameKana: true, givenNameKana: true, birthDate: true, orcaLink: { select: { orcaPatientId: true } } },
      take: 50,
    }),
  visitLinksByVisit: (c: Client, clinicId: string, visitIds: string[]) => c.orcaVisitLink.findMany({ where: { clinicId, visitId: { in: visitIds } } }),

  /** What a 受付 and a patient registration need: the visit, its patient with the current 保険, 診療科 code. */
  visitForOrca: (c: Client, clinicId: string, visitId: string) =>
    c.visit.findUnique({
      where: { clinicId_id: { clinicId, id: visitId } },
      include: {
        patient: {
          include: { insurances: { where: { endedAt: null }, orderBy: { createdAt: 'desc' }, take: 1 } },
        },
      },
    }),
  patientForOrca: (c: Client, clinicId: string, patientId: string) =>
    c.patient.findUnique({
      where: { clinicId_id: { clinicId, id: patientId } },
      include: { insurances: { where: { endedAt: null }, orderBy: { createdAt: 'desc' }, take: 1 } },
    }),
  departmentCode: async (c: Client, clinicId: string, departmentId: string | null) =>
    departmentId ? ((await c.department.findUnique({ where: { clinicId_id: { clinicId, id: departmentId } }, select: { code: true } }))?.code ?? null) : null,
};

export type OrcaAppointmentLinkData = Omit<Prisma.OrcaAppointmentLinkUncheckedCreateInput, 'clinicId' | 'appointmentId' | 'updatedAt'>;

/** ORCA's 予約 beside our appointments (orca-appointments.service.ts). */
export const orcaAppointmentRepository = {
  link: (c: Client, clinicId: string, appointmentId: string) => c.orcaAppointmentLink.findUnique({ where: { clinicId_appointmentId: { clinicId, appointmentId } } }),
  save: (c: Client, clinicId: string, appointmentId: string, data: OrcaAppointmentLinkData, now: Date) =>
    c.orcaAppointmentLink.upsert({
      where: { clinicId_appointmentId: { clinicId, appointmentId } },
      create: { clinicId, appointmentId, ...data, updatedAt: now },
      update: { ...data, updatedAt: now },
    }),
  appointment: (c: Client, clinicId: string, appointmentId: string) =>
    c.appointment.findUnique({ where: { clinicId_id: { clinicId, id: appointmentId } }, select: { id: true, patientId: true, startsAt: true, doctorId: true, purpose: true, status: true } }),
  /** the 診療科 code of the doctor (the appointment names no 診療科) */
  doctorDepartmentCode: async (c: Client, clinicId: string, doctorId: string | null) =>
    doctorId ? ((await c.user.findFirst({ where: { clinicId, id: doctorId }, select: { department: { select: { code: true } } } }))?.department?.code ?? null) : null,
};

/** 受付 made at the ORCA counter (OrcaCounterAcceptance, orca-counter.service.ts). */
export const orcaCounterRepository = {
  forDate: (c: Client, clinicId: string, acceptanceDate: Date) => c.orcaCounterAcceptance.findMany({ where: { clinicId, acceptanceDate } }),
  open: (c: Client, clinicId: string, acceptanceDate: Date) =>
    c.orcaCounterAcceptance.findMany({ where: { clinicId, acceptanceDate, state: 'open' }, orderBy: [{ acceptanceTime: 'asc' }, { acceptanceId: 'asc' }] }),
  find: (c: Client, clinicId: string, id: string) => c.orcaCounterAcceptance.findUnique({ where: { clinicId_id: { clinicId, id } } }),
  create: (c: Client, data: Prisma.OrcaCounterAcceptanceUncheckedCreateInput) => c.orcaCounterAcceptance.create({ data }),
  /** open rows ORCA no longer lists (cancelled there, or 会計済) */
  markGone: (c: Client, clinicId: string, acceptanceDate: Date, acceptanceIds: string[], now: Date) =>
    c.orcaCounterAcceptance.updateMany({ where: { clinicId, acceptanceDate, state: 'open', acceptanceId: { in: acceptanceIds } }, data: { state: 'gone', updatedAt: now } }),
  /** taken over into the EHR queue; count 0 when another terminal took it or ORCA dropped it first */
  markTaken: (c: Client, clinicId: string, id: string, visitId: string, now: Date) =>
    c.orcaCounterAcceptance.updateMany({ where: { clinicId, id, state: 'open' }, data: { state: 'taken', visitId, takenAt: now, updatedAt: now } }),
  departments: (c: Client, clinicId: string) => c.department.findMany({ where: { clinicId }, select: { id: true, code: true }, orderBy: { code: 'asc' } }),
};

/** The day's orders of a visit, read for ORCA: prescriptions issued that day (確定, or also drafts for the preview), and whether it is the first visit. */
export const orcaOrdersRepository = {
  prescriptionsOn: (c: Client, clinicId: string, patientId: string, issuedDate: Date, includeDrafts: boolean) =>
    c.prescription.findMany({
      where: { clinicId, patientId, issuedDate, isLatest: true, status: { in: includeDrafts ? ['final', 'draft', 'pending_approval'] : ['final'] } },
      orderBy: { createdAt: 'asc' },
      include: { items: { orderBy: [{ rpNumber: 'asc' }, { sortOrder: 'asc' }] } },
    }),
  /** the patient's 病名 as they stand (latest version of each), 確定 or withdrawn (入力誤り) */
  latestDiagnoses: (c: Client, clinicId: string, patientId: string) =>
    c.diagnosis.findMany({ where: { clinicId, patientId, isLatest: true, status: { in: ['final', 'entered_in_error'] } }, orderBy: { startDate: 'asc' } }),
  hasEarlierVisit: async (c: Client, clinicId: string, patientId: string, before: Date) =>
    (await c.visit.count({ where: { clinicId, patientId, visitDate: { lt: before }, status: { not: 'cancelled' } } })) > 0,
};
