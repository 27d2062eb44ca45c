/** Staff constants shared by the admin form and the server; no imports, so client components can use them. */

/** The register User.licenseNumber belongs to (TEXT + CHECK, docs/decisions/0011), for Practitioner.qualification. */
export const LICENSE_TYPES = ['medical_registration', 'dental_registration', 'narcotic_license', 'other'] as const;
export type LicenseType = (typeof LICENSE_TYPES)[number];

export const LICENSE_TYPE_LABELS: Record<LicenseType, string> = {
  medical_registration: '医籍登録番号',
  dental_registration: '歯科医籍登録番号',
  narcotic_license: '麻薬施用者免許番号',
  other: 'その他',
};
