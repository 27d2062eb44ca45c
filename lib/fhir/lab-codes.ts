/** The 43+5 shared lab codes a target version accepts, with the FHIR識別名 it fixes for each. */
import { findLabItemByJlac10, jpClinsDisplayFor } from '@/lib/records/lab-results/lab-items';
import labSlices from './generated/clins-1.5.2-lab-slices.json';
import { CODE_SYSTEMS, type FhirTarget } from './profiles';

/** 1.5.2: slice displays by code system and JLAC10 code, derived from the package (scripts/fhir-derive.ts). */
const SLICE_DISPLAYS = new Map<string, string[]>();
for (const s of labSlices.slices) {
  for (const code of s.codes) {
    const key = `${s.system}|${code}`;
    SLICE_DISPLAYS.set(key, [...(SLICE_DISPLAYS.get(key) ?? []), s.display]);
  }
}

/**
 * Displays the target fixes for a shared code; empty when the code is not one of the target's 43+5 codes.
 * 1.5.2 reads the package's slices; later versions the lab item table (lib/records/lab-results/lab-items.ts).
 */
export function sharedLabDisplays(target: FhirTarget, system: string, code: string): string[] {
  if (target.version === '1.5.2') return SLICE_DISPLAYS.get(`${system}|${code}`) ?? [];
  const item = findLabItemByJlac10(code);
  const expected = item?.set === 'core' ? CODE_SYSTEMS.labCore : CODE_SYSTEMS.labInfection;
  return item && system === expected ? [jpClinsDisplayFor(item, code, target.version)] : [];
}
