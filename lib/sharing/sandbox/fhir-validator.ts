/** The sandbox service checks bundles against the JP-CLINS profiles with the same validator the app uses (lib/fhir). */
import type { Bundle } from '@medplum/fhirtypes';
import { validateBundle } from '@/lib/fhir';
import type { BundleValidator } from './sandbox-store';

export const profileValidator: BundleValidator = (bundle) =>
  validateBundle(bundle as Bundle)
    .filter((i) => i.severity === 'error')
    .map((i) => ({ code: `E-PROFILE-${i.rule}`, message: `${i.field}: ${i.message}`, expression: i.expression }));
