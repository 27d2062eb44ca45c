import type { Actor } from '@/lib/auth/actor';
import { Card } from '@/components/ui/ui';
import { can } from '@/lib/permissions/permissions';
import { getPrescriptionPanel, listUsageOptions } from '@/lib/records/prescriptions/prescription.service';
import { getPrescriptionPreferences } from '@/lib/staff/staff.service';
import { visitDoctorToday } from '@/lib/reception/visit.service';
import { ItemLine, PrescriptionWorkspace } from '@/components/chart/prescriptions/prescription-workspace';

/** 処方: current prescriptions (final, days not run out), the editor (Alt+P, 前回Do Alt+R) and the history. */
export async function PrescriptionPanel({ patientId, actor }: { patientId: string; actor: Actor }) {
  const proxy = !can(actor.role, 'prescription.write') && can(actor.role, 'prescription.proxy');
  const [panel, usages, prefs, visitDoctorId] = await Promise.all([
    getPrescriptionPanel(patientId, actor),
    listUsageOptions(actor),
    getPrescriptionPreferences(actor),
    proxy ? visitDoctorToday(patientId, actor) : Promise.resolve(null),
  ]);
  const perms = {
    canWrite: can(actor.role, 'prescription.write'),
    canProxy: can(actor.role, 'prescription.proxy'),
    canConfirm: can(actor.role, 'prescription.confirm'),
    canPrint: can(actor.role, 'prescription.print'),
    userId: actor.userId,
  };
  return (
    <Card title="処方">
      <div className="flex flex-col gap-4" data-testid="prescription-panel">
        <section>
          <h3 className="mb-1 text-xs font-semibold text-slate-600">現在の処方（{panel.today.replaceAll('-', '/')} 時点で服用中）</h3>
          {panel.current.length === 0 ? (
            <p className="text-sm text-slate-500">服用中の処方はありません。</p>
          ) : (
            <ul className="flex flex-col gap-1 text-sm" data-testid="current-prescriptions">
              {panel.current.flatMap((p) =>
                p.items.map((i) => (
                  <li key={i.id}>
                    <ItemLine item={i} />
                    <span className="ml-2 text-xs text-slate-500">
                      {p.issuedDate.replaceAll('-', '/')} 処方
                    </span>
                  </li>
                )),
              )}
            </ul>
          )}
        </section>
        <PrescriptionWorkspace patientId={patientId} history={panel.history} historyTotal={panel.historyTotal} usages={usages} doctors={panel.doctors} visitDoctorId={visitDoctorId} perms={perms} prefs={prefs} />
      </div>
    </Card>
  );
}
