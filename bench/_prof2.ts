import { buildUnitBundle } from '@/lib/fhir/bundle';
import { aContext, aDiagnosis, aPatient } from '@/lib/fhir/test-fixtures';
import { loadFhirProfiles, validateBundleUncached } from '@/lib/fhir/validate';
loadFhirProfiles();
const input = { kind: 'condition' as const, patient: aPatient(), diagnoses: [
  aDiagnosis({ lineageId: 'b0000000-0000-4000-8000-000000000001', isPrimary: true }),
  aDiagnosis({ lineageId: 'b0000000-0000-4000-8000-000000000002', medisKeyNumber: '20054178', baseName: '脂質異常症', displayName: '脂質異常症' }),
  aDiagnosis({ lineageId: 'b0000000-0000-4000-8000-000000000003', isSuspected: true })] };
const b = buildUnitBundle(aContext(), input)!.bundle;
for (let i=0;i<600;i++) validateBundleUncached(b);
