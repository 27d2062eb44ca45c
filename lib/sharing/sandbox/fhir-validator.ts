/**
 * The sandbox service checks bundles against the JP-CLINS profiles with the same validators the app uses (lib/fhir):
 * a 6情報 collection with validateBundle, a document (JP_Bundle_eReferral, JP_Bundle_eDischargeSummary or
 * JP_Bundle_eCheckupGeneral, by its Composition type) with its kind's validator (a letter's attached documents too).
 */
import type { Bundle, Composition } from '@medplum/fhirtypes';
import { validateBundle } from '@/lib/fhir';
import { validateReferralDocumentWithAttachments } from '@/lib/fhir/referral-attachments-validate';
import { validateDischargeSummaryDocument } from '@/lib/fhir/discharge-summary-validate';
import { validateCheckupReportDocument } from '@/lib/fhir/checkup-report-validate';
import type { BundleValidator } from './sandbox-store';

const documentType = (bundle: Bundle) => (bundle.entry?.[0]?.resource as Composition | undefined)?.type?.coding?.[0]?.code;

function validateDocument(bundle: Bundle) {
  const type = documentType(bundle);
  if (type === '18842-5') return validateDischargeSummaryDocument(bundle);
  if (type === '53576-5') return validateCheckupReportDocument(bundle);
  return validateReferralDocumentWithAttachments(bundle);
}

export const profileValidator: BundleValidator = (bundle) =>
  ((bundle as Bundle).type !== 'document' ? validateBundle(bundle as Bundle) : validateDocument(bundle as Bundle))
    .filter((i) => i.severity === 'error')
    .map((i) => ({ code: `E-PROFILE-${i.rule}`, message: `${i.field}: ${i.message}`, expression: i.expression }));
