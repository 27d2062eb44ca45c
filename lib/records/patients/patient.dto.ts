import type { Patient, PatientInsurance, PublicExpense } from '@/lib/generated/prisma/client';
import { ageOn, isoDate, toWareki } from '@/lib/core/dates';
import { oneOf } from '@/lib/core/text-enum';
import { SEXES, SEX_LABELS, type Sex } from './patient.schema';

export type InsuranceDto = {
  insurerNumber: string;
  symbol: string | null;
  number: string;
  branch: string | null;
  relationship: 'self' | 'family';
  validFrom: string | null;
  validUntil: string | null;
  /** 保険者名 and 負担割合 (percent) taken over from the オンライン資格確認 (0060); null until then */
  insurerName: string | null;
  copaymentRate: number | null;
};

export type PublicExpenseDto = { payerNumber: string; recipientNumber: string | null; validFrom: string | null; validUntil: string | null };

export type PatientDto = {
  id: string;
  patientNumber: number;
  familyName: string;
  givenName: string;
  familyNameKana: string;
  givenNameKana: string;
  fullName: string;
  fullNameKana: string;
  sex: Sex;
  sexLabel: string;
  birthDate: string;
  birthDateWareki: string;
  age: number;
  postalCode: string | null;
  address: string | null;
  phone: string | null;
  version: number;
  updatedAt: string;
  insurance: InsuranceDto | null;
  publicExpense: PublicExpenseDto | null;
};

type PatientRow = Patient & { insurances?: PatientInsurance[]; publicExpenses?: PublicExpense[] };

const d = (v: Date | null) => (v ? isoDate(v) : null);

export function toInsuranceDto(i: PatientInsurance): InsuranceDto {
  return {
    insurerNumber: i.insurerNumber,
    symbol: i.symbol,
    number: i.number,
    branch: i.branch,
    relationship: i.relationship === 'family' ? 'family' : 'self',
    validFrom: d(i.validFrom),
    validUntil: d(i.validUntil),
    insurerName: i.insurerName,
    copaymentRate: i.copaymentRate,
  };
}

export function toPatientDto(p: PatientRow): PatientDto {
  const insurance = p.insurances?.find((i) => !i.endedAt) ?? null;
  const pe = p.publicExpenses?.find((x) => !x.endedAt) ?? null;
  const sex = oneOf(SEXES, p.sex);
  return {
    id: p.id,
    patientNumber: p.patientNumber,
    familyName: p.familyName,
    givenName: p.givenName,
    familyNameKana: p.familyNameKana,
    givenNameKana: p.givenNameKana,
    fullName: `${p.familyName} ${p.givenName}`,
    fullNameKana: `${p.familyNameKana} ${p.givenNameKana}`,
    sex,
    sexLabel: SEX_LABELS[sex],
    birthDate: isoDate(p.birthDate),
    birthDateWareki: toWareki(p.birthDate),
    age: ageOn(p.birthDate),
    postalCode: p.postalCode,
    address: p.address,
    phone: p.phone,
    version: p.version,
    updatedAt: p.updatedAt.toISOString(),
    insurance: insurance ? toInsuranceDto(insurance) : null,
    publicExpense: pe ? { payerNumber: pe.payerNumber, recipientNumber: pe.recipientNumber, validFrom: d(pe.validFrom), validUntil: d(pe.validUntil) } : null,
  };
}
