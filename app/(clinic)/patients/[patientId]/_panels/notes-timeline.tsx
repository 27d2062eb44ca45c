import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/permissions/permissions';
import { listDoctorsForProxy, listNotesPage } from '@/lib/records/notes/note.service';
import { listPhrases } from '@/lib/phrases/phrase.service';
import { Card } from '@/components/ui/ui';
import { visitDoctorToday } from '@/lib/reception/visit.service';
import { NotesWorkspace } from '@/components/chart/notes/notes-workspace';

/**
 * 診療録: the SOAP editor and the encounter timeline. Loads (and audits) the latest page of notes; older ones come
 * with 「さらに表示」 (listNotesPageAction).
 */
export async function NotesTimeline({ patientId, actor }: { patientId: string; actor: Actor }) {
  const canWrite = can(actor.role, 'note.write');
  const isDoctor = can(actor.role, 'note.confirm');
  const [page, doctors, phrases, visitDoctorId] = await Promise.all([
    listNotesPage(patientId, actor),
    canWrite && !isDoctor ? listDoctorsForProxy(actor) : Promise.resolve([]),
    canWrite ? listPhrases(actor) : Promise.resolve([]),
    canWrite && !isDoctor ? visitDoctorToday(patientId, actor) : Promise.resolve(null),
  ]);
  const pending = page.pendingApprovalCount ?? 0;
  return (
    <Card
      title={
        <span>
          診療録
          {pending > 0 && <span className="ml-2 text-xs font-normal text-blue-800">承認待ち {pending}件</span>}
        </span>
      }
    >
      <NotesWorkspace patientId={patientId} page={page} viewer={{ userId: actor.userId, isDoctor, canWrite }} doctors={doctors} visitDoctorId={visitDoctorId} phrases={phrases.map((p) => ({ abbreviation: p.abbreviation, text: p.text, personal: p.personal }))} />
    </Card>
  );
}
