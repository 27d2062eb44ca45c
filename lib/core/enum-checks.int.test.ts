/**
 * Enumerated columns are TEXT with a CHECK constraint and their values live in TypeScript (docs/decisions/0011).
 * The two must say the same, and no PostgreSQL enum type may come back (Citus refuses Prisma's enum casts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { ROLES } from '@/lib/permissions/permissions';
import { RECORD_STATUSES } from '@/lib/records/record-version.constants';
import { VISIT_STATUSES } from '@/lib/reception/visit.constants';
import { ELIGIBILITY_RESULTS } from '@/lib/eligibility/eligibility.constants';
import { DIAGNOSIS_OUTCOMES } from '@/lib/records/diagnoses/diagnosis.constants';
import { ALLERGY_CATEGORIES, ALLERGY_CLINICAL_STATUSES, ALLERGY_SEVERITIES } from '@/lib/records/allergies/allergy.constants';
import { MEDICATION_KINDS } from '@/lib/records/prescriptions/prescription.constants';
import { SEXES } from '@/lib/records/patients/patient.schema';
import { JOB_STATES } from '@/lib/jobs/job.constants';
import { ATTEMPT_ACTIONS, ATTEMPT_OUTCOMES, UNIT_KINDS, UNIT_STATES } from '@/lib/sharing/sharing.constants';
import { ORCA_ACCEPTANCE_STATES, ORCA_APPOINTMENT_STATES, ORCA_BILLING_STATES, ORCA_COUNTER_STATES, ORCA_MEDICAL_STATES, ORCA_NUMBERING_MASTERS, ORCA_PATIENT_LINK_STATES } from '@/lib/orca/orca.constants';
import { SHARING_OUTBOX_REASONS, SHARING_UNIT_KINDS } from '@/lib/records/sharing-outbox.constants';
import { LICENSE_TYPES } from '@/lib/staff/staff.constants';
import { MASTER_IMPORT_STATUSES } from '@/lib/masters/master-import.constants';
import { API_CLIENT_STATUSES } from '@/lib/vendor-api/api-client.constants';
import { BULK_EXPORT_LEVELS, BULK_EXPORT_STATUSES } from '@/lib/vendor-api/bulk-export.constants';
import { SUBSCRIPTION_DELIVERY_STATUSES, SUBSCRIPTION_STATUSES } from '@/lib/vendor-api/subscription.constants';
import { APPOINTMENT_STATUSES } from '@/lib/reception/appointment.constants';
import { oneOf } from './text-enum';

/** table.column → the TypeScript list it must allow, exactly. */
const ENUMERATED: Record<string, readonly string[]> = {
  'User.role': ROLES,
  'Patient.sex': SEXES,
  'Visit.status': VISIT_STATUSES,
  'Visit.eligibilityResult': ELIGIBILITY_RESULTS,
  'VisitStatusChange.fromStatus': VISIT_STATUSES,
  'VisitStatusChange.toStatus': VISIT_STATUSES,
  'ClinicalNote.status': RECORD_STATUSES,
  'Diagnosis.status': RECORD_STATUSES,
  'Diagnosis.outcome': DIAGNOSIS_OUTCOMES,
  'Allergy.status': RECORD_STATUSES,
  'Allergy.category': ALLERGY_CATEGORIES,
  'Allergy.severity': ALLERGY_SEVERITIES,
  'Allergy.clinicalStatus': ALLERGY_CLINICAL_STATUSES,
  'LabResult.status': RECORD_STATUSES,
  'Prescription.status': RECORD_STATUSES,
  'PrescriptionItem.kind': MEDICATION_KINDS,
  'Job.state': JOB_STATES,
  'SharingUnit.kind': UNIT_KINDS,
  'SharingUnit.state': UNIT_STATES,
  'SharingAttempt.action': ATTEMPT_ACTIONS,
  'SharingAttempt.outcome': ATTEMPT_OUTCOMES,
  'OrcaSettings.numberingMaster': ORCA_NUMBERING_MASTERS,
  'OrcaPatientLink.state': ORCA_PATIENT_LINK_STATES,
  'OrcaVisitLink.acceptanceState': ORCA_ACCEPTANCE_STATES,
  'OrcaVisitLink.medicalState': ORCA_MEDICAL_STATES,
  'OrcaVisitLink.billingState': ORCA_BILLING_STATES,
  'OrcaCounterAcceptance.state': ORCA_COUNTER_STATES,
  'OrcaAppointmentLink.state': ORCA_APPOINTMENT_STATES,
  'User.licenseType': LICENSE_TYPES,
  'SharingOutbox.unitKind': SHARING_UNIT_KINDS,
  'SharingOutbox.reason': SHARING_OUTBOX_REASONS,
  'MasterImport.status': MASTER_IMPORT_STATUSES,
  'ApiClient.status': API_CLIENT_STATUSES,
  'BulkExport.status': BULK_EXPORT_STATUSES,
  'BulkExport.level': BULK_EXPORT_LEVELS,
  'ApiSubscription.status': SUBSCRIPTION_STATUSES,
  'ApiSubscriptionDelivery.status': SUBSCRIPTION_DELIVERY_STATUSES,
  'Appointment.status': APPOINTMENT_STATUSES,
};

/** The values a `CHECK (col IN ('a', 'b'))` constraint allows, as PostgreSQL prints it back (`= ANY (ARRAY[…])`). */
function allowedValues(definition: string): string[] {
  return [...definition.matchAll(/'((?:[^']|'')*)'(?:::[a-z ]+)?/g)].map((m) => m[1]!.replaceAll("''", "'"));
}

let checks: Map<string, string[]>;
beforeAll(async () => {
  const rows = await db().$queryRaw<{ table: string; column: string; definition: string }[]>`
    SELECT c.relname AS table, a.attname AS column, pg_get_constraintdef(k.oid) AS definition
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.conkey[1]
    WHERE n.nspname = 'public' AND k.contype = 'c' AND cardinality(k.conkey) = 1`;
  checks = new Map(rows.map((r) => [`${r.table}.${r.column}`, allowedValues(r.definition)]));
});

describe('enumerated columns', () => {
  it.each(Object.entries(ENUMERATED))('%s: the CHECK constraint allows exactly the TypeScript list', (key, values) => {
    expect(checks.get(key), `no CHECK constraint on ${key}`).toBeDefined();
    expect([...checks.get(key)!].sort()).toEqual([...values].sort());
  });

  it('the database refuses a value outside the list', async () => {
    const clinicId = `enum-check-${Date.now()}`;
    await expect(
      db().$executeRaw`INSERT INTO "VisitStatusChange" ("clinicId", id, "visitId", "toStatus", "changedById") VALUES (${clinicId}, 'v', 'v', 'teleported', 'u')`,
    ).rejects.toThrow(/VisitStatusChange_toStatus_check/);
  });

  it('there are no PostgreSQL enum types (Citus refuses Prisma\'s enum casts): use TEXT + CHECK', async () => {
    const enums = await db().$queryRaw<{ name: string }[]>`
      SELECT t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e'`;
    expect(enums.map((e) => e.name)).toEqual([]);
  });

  it('oneOf gives a stored value its type back, and refuses one the code does not know', () => {
    expect(oneOf(RECORD_STATUSES, 'final')).toBe('final');
    expect(oneOf(ALLERGY_SEVERITIES, null)).toBeNull();
    expect(() => oneOf(RECORD_STATUSES, 'archived')).toThrow(/unexpected value "archived"/);
  });
});
