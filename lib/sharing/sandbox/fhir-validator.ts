/**
 * The sandbox service checks bundles against the JP-CLINS profiles with the same validators the app uses (lib/fhir):
 * a 6情報 collection with validateBundle, a document (JP_Bundle_eReferral, or JP_Bundle_eDischargeSummary by its
 * Composition type) with its document rules and Composition.
 */
import type { Bundle, Composition } from '@medplum/fhirtypes';
import { validateBundle } from '@/lib/fhir';
import { validateReferralDocument } from '@/lib/fhir/referral-validate';
import { validateDischargeSummaryDocument } from '@/lib/fhir/discharge-summary-validate';
import type { BundleValidator } from './sandbox-store';

const isDischargeSummary = (bundle: Bundle) => (bundle.entry?.[0]?.resource as Composition | undefined)?.type?.coding?.some((c) => c.code === '18842-5') ?? false;

export const profileValidator: BundleValidator = (bundle) =>
  ((bundle as Bundle).type !== 'document'
    ? validateBundle(bundle as Bundle)
    : isDischargeSummary(bundle as Bundle)
      ? validateDischargeSummaryDocument(bundle as Bundle)
      : validateReferralDocument(bundle as Bundle))
    .filter((i) => i.severity === 'error')
    .map((i) => ({ code: `E-PROFILE-${i.rule}`, message: `${i.field}: ${i.message}`, expression: i.expression }));
