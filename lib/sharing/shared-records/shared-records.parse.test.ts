/** Parsing other institutions' bundles never throws, whatever arrives, and keeps each item's source. */
import { describe, expect, it } from 'vitest';
import { otherInstitutionsBundles } from '../sandbox/other-institutions';
import { findSharedEntry, parseSharedBundles } from './shared-records.parse';

const MEMBER = '06131239:1234:567892:00';

describe('parseSharedBundles', () => {
  it('reads the sandbox\'s JP-CLINS bundles into items with their institution and date', () => {
    const parsed = parseSharedBundles(otherInstitutionsBundles(MEMBER), MEMBER);
    expect(parsed.problems).toEqual([]);
    expect(parsed.diagnoses[0]).toMatchObject({ kind: 'diagnosis', name: expect.any(String), diseaseCode: expect.stringMatching(/^\d{7}$/), suspected: false, source: { institutionName: expect.stringContaining('架空') } });
    expect(parsed.allergies[0]).toMatchObject({ kind: 'allergy', substanceName: expect.any(String), category: expect.stringMatching(/^(medication|food)$/) });
    expect(parsed.labs.map((l) => l.itemName)).toEqual(['AST(GOT)', 'ALT(GPT)', 'HbA1c(NGSP)']);
    expect(parsed.labs[1]).toMatchObject({ value: '41', unit: 'U/L', referenceRange: '7–23', flag: 'H' });
    const first = parsed.diagnoses[0]!;
    expect(findSharedEntry(otherInstitutionsBundles(MEMBER), MEMBER, first)).toEqual(first);
  });

  it.each([null, 42, 'x', {}, [null, 1, 'a', [], {}], [{ kind: 'labs', bundle: { resourceType: 'Bundle', entry: 'no' } }]])('survives %j', (input) => {
    expect(() => parseSharedBundles(input, MEMBER)).not.toThrow();
    const parsed = parseSharedBundles(input, MEMBER);
    expect([...parsed.diagnoses, ...parsed.allergies, ...parsed.labs]).toEqual([]);
  });

  it('skips a bundle about another patient and counts unreadable entries', () => {
    const [dx] = otherInstitutionsBundles(MEMBER);
    expect(parseSharedBundles([dx], '06131239:1234:000000:00')).toMatchObject({ diagnoses: [], problems: [{ message: expect.stringContaining('一致しない') }] });
    const broken = structuredClone(dx!);
    (broken.bundle as { entry: unknown[] }).entry.push({ resource: { resourceType: 'Condition', code: { coding: 'x' } } }, { resource: { resourceType: 'Observation' } });
    expect(parseSharedBundles([broken], MEMBER).problems).toEqual([expect.objectContaining({ message: '傷病名のうち2件は形式が正しくないため表示できません。' })]);
  });
});
