import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/permissions/permissions';
import { listAllergiesForPatient } from '@/lib/records/allergies/allergy.service';
import { Card } from '@/components/ui/ui';
import { AllergyList } from '@/components/chart/allergies/allergy-list';

/** アレルギー panel of the chart (read audited by the service); doctors and nurses can add and edit. */
export async function AllergyPanel({ patientId, actor }: { patientId: string; actor: Actor }) {
  const allergies = await listAllergiesForPatient(patientId, actor);
  return (
    <Card title="アレルギー">
      <AllergyList patientId={patientId} allergies={allergies} canWrite={can(actor.role, 'allergy.write')} />
    </Card>
  );
}
