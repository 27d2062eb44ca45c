/** A clinic's maximum for one drug, as the admin screen shows it. */
export type ClinicDrugLimitDto = {
  receiptCode: string;
  drugName: string;
  unit: string;
  maxPerDay: number | null;
  maxPerPrescription: number | null;
  note: string | null;
  updatedAt: string;
};

export function toClinicDrugLimitDto(r: {
  receiptCode: string; drugName: string; unit: string; maxPerDay: unknown; maxPerPrescription: unknown; note: string | null; updatedAt: Date;
}): ClinicDrugLimitDto {
  return {
    receiptCode: r.receiptCode,
    drugName: r.drugName,
    unit: r.unit,
    maxPerDay: r.maxPerDay === null ? null : Number(r.maxPerDay),
    maxPerPrescription: r.maxPerPrescription === null ? null : Number(r.maxPerPrescription),
    note: r.note,
    updatedAt: r.updatedAt.toISOString(),
  };
}
