/** The content hash of a prescription (stored at 確定). Server side: it uses node:crypto. */
import { isoDate } from '@/lib/core/dates';
import { contentHash } from '@/lib/records/record-version';

const itemContent = (i: { rpNumber: number; kind: string; drugCodeSystem: string; drugCode: string | null; yjCode: string | null; receiptCode: string | null; drugName: string; dose: unknown; doseUnit: string; doseBasis: string; usageCode: string | null; usageText: string; days: number | null; times: number | null; genericSubstitutionAllowed: boolean; substitutionReason?: string | null; comment: string | null }) => ({
  rpNumber: i.rpNumber, kind: i.kind, drugCodeSystem: i.drugCodeSystem, drugCode: i.drugCode, yjCode: i.yjCode, receiptCode: i.receiptCode,
  drugName: i.drugName, dose: String(Number(i.dose)), doseUnit: i.doseUnit, doseBasis: i.doseBasis, usageCode: i.usageCode, usageText: i.usageText,
  days: i.days, times: i.times, genericSubstitutionAllowed: i.genericSubstitutionAllowed, comment: i.comment,
  // added with the 令和6年 様式 (0063): only when set, so the hashes of earlier prescriptions stay what they were
  ...(i.substitutionReason ? { substitutionReason: i.substitutionReason } : {}),
});

/** SHA-256 of a prescription's clinical content (stored at 確定; the demo seed uses it too). */
export function prescriptionContentHash(p: { patientId: string; lineageId: string; version: number; issuedDate: Date; outOfHouse: boolean; note: string | null; authorId: string; refillTimes?: number | null }, items: Parameters<typeof itemContent>[0][]) {
  return contentHash({
    patientId: p.patientId, lineageId: p.lineageId, version: p.version, issuedDate: isoDate(p.issuedDate), outOfHouse: p.outOfHouse,
    note: p.note, authorId: p.authorId, items: [...items].sort((a, b) => a.rpNumber - b.rpNumber).map(itemContent),
    ...(p.refillTimes ? { refillTimes: p.refillTimes } : {}),
  });
}
