import { staffRepository } from './staff.repository';

/** Display names of staff of one clinic, for "who did it" columns. */
export async function staffNames(clinicId: string, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter((x): x is string => !!x))];
  if (!unique.length) return new Map();
  const rows = await staffRepository.userNames(clinicId, unique);
  return new Map(rows.map((r) => [r.id, r.displayName]));
}
