import type { Actor } from '@/lib/auth/actor';

// Placeholder until the allergy slice lands.
export async function AllergyBanner(_: { patientId: string; actor: Actor }) {
  return null;
}
