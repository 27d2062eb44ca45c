/** The sandbox's invented other institutions: valid JP-CLINS bundles, fictitious codes, deterministic per patient. */
import type { Bundle } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { validateBundle } from '@/lib/fhir';
import { OTHER_INSTITUTIONS, otherInstitutionsBundles } from './other-institutions';

const MEMBERS = ['06130012:1234:567892:01', '06138057:12:345:01', '39131017::8812345:', '01130012:ｱ1:77:00'];

describe('other institutions\' 6情報 in the sandbox', () => {
  it('uses 医療機関コード no real institution can have (prefecture 00) and says 架空', () => {
    for (const i of OTHER_INSTITUTIONS) {
      expect(i.institutionNumber).toMatch(/^00[1-3]\d{7}$/);
      expect(i.name).toContain('架空');
    }
  });

  it('builds bundles that pass the JP-CLINS profiles, for every kind, the same on every call', () => {
    const all = MEMBERS.flatMap((m) => otherInstitutionsBundles(m));
    expect(new Set(all.map((b) => b.kind))).toEqual(new Set(['diagnoses', 'allergies', 'labs']));
    for (const b of all) {
      const errors = validateBundle(b.bundle as Bundle).filter((i) => i.severity === 'error');
      expect(errors, `${b.identifier}: ${errors.map((e) => e.message).join(' / ')}`).toEqual([]);
      expect(b.identifier.startsWith(`${b.institutionNumber}^`)).toBe(true);
      const patient = (b.bundle as Bundle).entry![0]!.resource as { resourceType: string; identifier?: { value?: string }[] };
      expect(patient.resourceType).toBe('Patient');
    }
    expect(otherInstitutionsBundles(MEMBERS[0]!)).toEqual(otherInstitutionsBundles(MEMBERS[0]!));
  });

  it('gives about one patient in five nothing (a member ID whose digits sum to a multiple of 5)', () => {
    expect(otherInstitutionsBundles('06130012:1234:567890:02')).toEqual([]);
  });
});
