/**
 * 受付（来院）→ JP Core 1.1.2 JP_Encounter, pure: the vendor API's Encounter resource (the 6情報 resources keep their
 * contained Encounter, common.ts). Class AMB 外来 (IMP 入院 when the visit says so); the status follows the reception
 * board: 受付済・診察待ち = arrived, 診察中 = in-progress, 会計待ち・完了 = finished (the consultation is over;
 * billing is not part of the encounter), キャンセル = cancelled.
 */
import type { Encounter } from '@medplum/fhirtypes';
import { coding, departmentExtension, fhirDate, fhirInstant, resourceMeta } from './common';
import { CODE_SYSTEMS, ID_SYSTEMS, PROFILES, type FhirTarget } from './profiles';
import type { FhirVisitInput } from './types';

export const ENCOUNTER_STATUS_OF: Readonly<Record<string, Encounter['status']>> = {
  received: 'arrived',
  waiting: 'arrived',
  in_consultation: 'in-progress',
  billing: 'finished',
  done: 'finished',
  cancelled: 'cancelled',
};

/** The visit statuses a FHIR Encounter status stands for (search). */
export function visitStatusesOf(status: string): string[] {
  return Object.entries(ENCOUNTER_STATUS_OF).filter(([, s]) => s === status).map(([v]) => v);
}

export function toFhirEncounter(target: FhirTarget, visit: FhirVisitInput, patientRef: string): Encounter {
  const cls = visit.encounterClass === 'IMP' ? 'IMP' : 'AMB';
  const status = ENCOUNTER_STATUS_OF[visit.status] ?? 'unknown';
  const resource: Encounter = {
    resourceType: 'Encounter',
    id: visit.id,
    meta: resourceMeta(target, PROFILES.encounterCore, visit.statusChangedAt),
    identifier: [{ system: ID_SYSTEMS.resourceInstance, value: visit.id }],
    status,
    class: coding(CODE_SYSTEMS.actCode, cls, cls === 'IMP' ? '入院' : '外来'),
    subject: { reference: patientRef },
    period: { start: status === 'cancelled' ? fhirDate(visit.visitDate) : fhirInstant(visit.arrivedAt), ...(status === 'finished' ? { end: fhirInstant(visit.statusChangedAt) } : {}) },
  };
  const department = departmentExtension(visit.department);
  if (department) resource.extension = [department];
  if (visit.doctor) resource.participant = [{ individual: { reference: `Practitioner/${visit.doctor.id}`, display: visit.doctor.name } }];
  if (visit.firstVisit !== null && visit.firstVisit !== undefined) {
    resource.type = [{ text: visit.firstVisit ? '初診' : '再診' }];
  }
  return resource;
}
