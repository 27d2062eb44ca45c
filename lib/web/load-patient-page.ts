import { notFound } from 'next/navigation';
import { AppError } from '@/lib/core/app-error';
import type { Actor } from '@/lib/auth/actor';
import { getPatient } from '@/lib/records/patients/patient.service';

/** getPatient for pages: a missing or other clinic's patient renders the 404 page. */
export async function loadPatientForPage(patientId: string, actor: Actor, purpose: 'view' | 'chart' | 'edit' = 'view') {
  try {
    return await getPatient(patientId, actor, purpose);
  } catch (e) {
    if (e instanceof AppError && e.code === 'NOT_FOUND') notFound();
    throw e;
  }
}
