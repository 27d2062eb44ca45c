/** ReceivedDocument queries (受信した紹介状). Every statement names the clinic. */
import { randomUUID } from 'node:crypto';
import { db, type Tx } from '@/lib/core/db';

type Client = Tx | ReturnType<typeof db>;

export const receivedDocumentRepository = {
  clinic: (clinicId: string) => db().clinic.findUnique({ where: { id: clinicId }, select: { institutionNumber: true } }),

  patient: (clinicId: string, patientId: string) => db().patient.findUnique({ where: { clinicId_id: { clinicId, id: patientId } }, select: { id: true } }),

  /** The clinic's position in the service's feed: its highest seq seen. */
  lastSeq: async (clinicId: string) => (await db().receivedDocument.aggregate({ where: { clinicId }, _max: { serviceSeq: true } }))._max.serviceSeq ?? 0,

  /** The newest version held of a letter (to carry its patient link to a new version). */
  latestOf: (c: Client, clinicId: string, identifier: string) =>
    c.receivedDocument.findFirst({ where: { clinicId, identifier }, orderBy: { version: 'desc' } }),

  /** Stores one received version once (a feed entry fetched again is ignored); returns whether it was new. */
  insert: async (
    tx: Tx,
    row: { clinicId: string; identifier: string; version: number; serviceSeq: number; senderInstitution: string; bundle: object; contentHash: string; receivedAt: Date; patientId: string | null; linkedById: string | null; linkedAt: Date | null },
  ): Promise<string | null> => {
    const id = randomUUID();
    const r = await tx.receivedDocument.createMany({ data: [{ ...row, id }], skipDuplicates: true });
    return r.count ? id : null;
  },

  /** The sender withdrew the letter: every held version is marked (once), and the feed position moves past it. */
  withdraw: (tx: Tx, clinicId: string, identifier: string, seq: number, at: Date) =>
    tx.$executeRaw`UPDATE "ReceivedDocument" SET "withdrawnAt" = COALESCE("withdrawnAt", ${at}), "serviceSeq" = GREATEST("serviceSeq", ${seq})
      WHERE "clinicId" = ${clinicId} AND identifier = ${identifier} AND "withdrawnAt" IS NULL`,

  list: (clinicId: string, take = 200) =>
    db().receivedDocument.findMany({
      where: { clinicId },
      orderBy: [{ receivedAt: 'desc' }, { version: 'desc' }],
      take,
      include: { patient: { select: { id: true, patientNumber: true, familyName: true, givenName: true } } },
    }),

  find: (clinicId: string, id: string) =>
    db().receivedDocument.findUnique({
      where: { clinicId_id: { clinicId, id } },
      include: { patient: { select: { id: true, patientNumber: true, familyName: true, givenName: true } } },
    }),

  newestVersion: async (clinicId: string, identifier: string) =>
    (await db().receivedDocument.aggregate({ where: { clinicId, identifier }, _max: { version: true } }))._max.version ?? 0,

  /** Links every version of the letter to the patient. */
  link: (tx: Tx, clinicId: string, identifier: string, patientId: string, userId: string, at: Date) =>
    tx.receivedDocument.updateMany({ where: { clinicId, identifier }, data: { patientId, linkedById: userId, linkedAt: at } }),

  markImported: (tx: Tx, clinicId: string, id: string, key: string) =>
    tx.$executeRaw`UPDATE "ReceivedDocument" SET "importedEntries" = array_append("importedEntries", ${key})
      WHERE "clinicId" = ${clinicId} AND id = ${id} AND NOT (${key} = ANY("importedEntries"))`,

  /** Patients who may be the letter's: the same birth date, or the same name (kanji or kana). */
  /** `insurerNumbers`: the 保険者番号 of the letter's 被保険者個人識別子 as it may be stored (8 digits, or 6 for 国保) */
  candidates: (clinicId: string, q: { birthDate: Date | null; family: string | null; given: string | null; familyKana: string | null; givenKana: string | null; insurerNumbers: string[]; memberNumbers: string[] }) =>
    db().patient.findMany({
      where: {
        clinicId,
        OR: [
          ...(q.birthDate ? [{ birthDate: q.birthDate }] : []),
          ...(q.family && q.given ? [{ familyName: q.family, givenName: q.given }] : []),
          ...(q.familyKana && q.givenKana ? [{ familyNameKana: q.familyKana, givenNameKana: q.givenKana }] : []),
          ...(q.insurerNumbers.length && q.memberNumbers.length ? [{ insurances: { some: { clinicId, insurerNumber: { in: q.insurerNumbers }, number: { in: q.memberNumbers }, endedAt: null } } }] : []),
        ],
      },
      select: {
        id: true,
        patientNumber: true,
        familyName: true,
        givenName: true,
        familyNameKana: true,
        givenNameKana: true,
        birthDate: true,
        insurances: { where: { clinicId, endedAt: null }, select: { insurerNumber: true, symbol: true, number: true, branch: true } },
      },
      take: 50,
    }),
};

/** Clinics whose inbox the worker polls (all, or those the worker is limited to). Reads every shard; no lock. */
export async function inboxClinics(onlyClinics?: string[]): Promise<string[]> {
  const rows = await db().clinic.findMany({ where: onlyClinics ? { id: { in: onlyClinics } } : {}, select: { id: true }, take: 10_000 });
  return rows.map((r) => r.id);
}
