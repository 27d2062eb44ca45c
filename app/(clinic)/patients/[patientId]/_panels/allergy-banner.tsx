import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/permissions/permissions';
import { listAllergiesForPatient } from '@/lib/records/allergies/allergy.service';
import type { AllergyDto } from '@/lib/records/allergies/allergy.dto';

function describe(a: AllergyDto): string {
  const details = [a.severityLabel, a.reaction].filter(Boolean).join('・');
  return details ? `${a.substanceName}（${details}）` : a.substanceName;
}

/** Red banner in the sticky chart header while any active allergy is recorded; nothing when there is none. */
export async function AllergyBanner({ patientId, actor }: { patientId: string; actor: Actor }) {
  if (!can(actor.role, 'chart.read')) return null;
  const active = await listAllergiesForPatient(patientId, actor, 'banner');
  if (active.length === 0) return null;
  const medication = active.filter((a) => a.category === 'medication');
  const others = active.filter((a) => a.category !== 'medication');
  return (
    <div role="alert" data-testid="allergy-banner" className="mt-1 flex flex-wrap items-center gap-x-4 gap-y-0.5 rounded border border-red-400 bg-red-50 px-3 py-1 text-sm text-red-900">
      <span className="font-bold text-red-700">⚠ アレルギー</span>
      {medication.length > 0 && (
        <span>
          <span className="font-semibold">薬剤: </span>
          {medication.map(describe).join('、')}
        </span>
      )}
      {others.length > 0 && (
        <span>
          <span className="font-semibold">その他: </span>
          {others.map((a) => `${a.categoryLabel}・${describe(a)}`).join('、')}
        </span>
      )}
    </div>
  );
}
