/**
 * The sandbox service checks bundles against the JP-CLINS profiles with the same validators the app uses (lib/fhir):
 * a 6情報 collection with validateBundle, a document (JP_Bundle_eReferral) with its document rules and Composition.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { validateBundle } from '@/lib/fhir';
import { validateReferralDocument } from '@/lib/fhir/referral-validate';
import type { BundleValidator } from './sandbox-store';

export const profileValidator: BundleValidator = (bundle) =>
  ((bundle as Bundle).type === 'document' ? validateReferralDocument(bundle as Bundle) : validateBundle(bundle as Bundle))
    .filter((i) => i.severity === 'error')
    .map((i) => ({ code: `E-PROFILE-${i.rule}`, message: `${i.field}: ${i.message}`, expression: i.expression }));
