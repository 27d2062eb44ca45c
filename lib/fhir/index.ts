/** lib/fhir: JP-CLINS FHIR for the 6情報 (pure mapping), its validation and a readable render. */
export { buildUnitBundle, bundleContentHash, newBundleIdentifier, unitKey, type UnitBundle } from './bundle';
export type { FhirIssue } from './issues';
export { DEFAULT_TARGET_VERSION, fhirTarget, type FhirTarget, type JpClinsVersion } from './profiles';
export { renderBundle, renderBundleText, type RenderedBundle, type RenderedRecord, type RenderedRow } from './render';
export type * from './types';
export { formatIssue, isSendable, loadFhirProfiles, validateBundle, validateBundleUncached } from './validate';
